package io.gproxy.billing;

/** A level of the scope chain (spec/core.md §10): user → team → org, most specific first. */
public enum Scope {
    USER("user"), TEAM("team"), ORG("org");

    private final String id;

    Scope(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Scope parse(String s) {
        for (Scope v : values()) {
            if (v.id.equals(s)) {
                return v;
            }
        }
        return null;
    }

    /** One scope entity: {@code user 2}, {@code team 1}. */
    public record Ref(Scope scope, long id) {
        /** Partition of this scope's counters: {@code CTR#<scope>#<id>}. */
        public String counterPartition() {
            return "CTR#" + scope.id() + "#" + id;
        }
    }
}
