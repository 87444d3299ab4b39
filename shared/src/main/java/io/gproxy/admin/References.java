package io.gproxy.admin;

import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.FieldSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Referential integrity for deletes, from the schema: every field declared as a reference to the deleted entity,
 * plus the scoped authz rows ({@code scope}, {@code scope_id}) and aliases naming a provider. A few children are
 * owned by their parent and go with it instead of blocking it: a provider's routing rules (seeded from the
 * channel) and model catalogue, and a user's keys (useless without the user).
 */
final class References {
    private static final Map<EntityType, Set<EntityType>> OWNED = Map.of(
            EntityType.PROVIDER, Set.of(EntityType.ROUTING_RULE, EntityType.PROVIDER_MODEL),
            EntityType.USER, Set.of(EntityType.USER_KEY));

    /** What deleting a row means: the rows that block it (bundle key -> ids) and the owned rows deleted with it. */
    record Impact(Map<String, List<String>> blockers, List<ConfigStore.ConfigKey> cascade) {
        String describe() {
            List<String> parts = new ArrayList<>();
            blockers.forEach((k, ids) -> parts.add(k + " " + String.join(", ", ids)));
            return String.join("; ", parts);
        }
    }

    private References() {}

    static Impact of(ConfigState state, EntityType type, ConfigItem target) {
        Map<String, List<String>> blockers = new LinkedHashMap<>();
        List<ConfigStore.ConfigKey> cascade = new ArrayList<>();
        Set<EntityType> owned = OWNED.getOrDefault(type, Set.of());
        for (ConfigItem i : state.items()) {
            if (!pointsAt(i, type, target)) {
                continue;
            }
            if (owned.contains(i.type())) {
                cascade.add(new ConfigStore.ConfigKey(i.type(), i.id()));
            } else {
                blockers.computeIfAbsent(i.type().bundleKey(), k -> new ArrayList<>()).add(i.id());
            }
        }
        return new Impact(blockers, cascade);
    }

    private static boolean pointsAt(ConfigItem i, EntityType type, ConfigItem target) {
        for (FieldSpec f : i.type().fields().values()) {
            if (f.references() == type && i.doc().path(f.name()).asText("").equals(target.id())) {
                return true;
            }
        }
        String scope = switch (type) {
            case ORG -> "org";
            case TEAM -> "team";
            case USER -> "user";
            default -> null;
        };
        if (scope != null && i.doc().has("scope_id") && scope.equals(i.doc().path("scope").asText())
                && i.doc().path("scope_id").asText().equals(target.id())) {
            return true;
        }
        return type == EntityType.PROVIDER && i.type() == EntityType.ALIAS
                && i.doc().path("provider").asText().equals(target.doc().path("name").asText());
    }
}
