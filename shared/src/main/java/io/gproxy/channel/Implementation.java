package io.gproxy.channel;

import java.util.Optional;

/** How a provider serves an inbound operation key (spec/surface.md §3.5). */
public enum Implementation {
    PASSTHROUGH("passthrough"),
    TRANSFORM_TO("transform_to"),
    LOCAL("local"),
    UNSUPPORTED("unsupported");

    private final String id;

    Implementation(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Implementation> parse(String id) {
        for (Implementation i : values()) {
            if (i.id.equals(id)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
