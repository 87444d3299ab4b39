package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.EntityType;

import java.util.Set;

/**
 * What the admin API shows of a stored entity: the document minus everything secret. Passwords become
 * {@code has_password}, sealed credential secrets {@code has_secret}, user keys their {@code key_preview}; digests
 * and sealed values never leave. This is the only place views are made, so the rule lives in one spot.
 */
final class EntityViews {
    /** Stored-only fields that never appear in a view, whatever the entity. */
    static final Set<String> HIDDEN = Set.of("password", "secret_json", "secret_sealed", "api_key", "api_key_digest",
            "api_key_sealed");
    /** Fields a view adds, which a client may send back on update and which are then ignored. */
    static final Set<String> VIEW_ONLY = Set.of("has_password", "has_secret", "key_preview", "created_at",
            "updated_at", "seeded");

    private EntityViews() {}

    static ObjectNode view(EntityType type, ObjectNode stored) {
        ObjectNode v = stored.deepCopy();
        HIDDEN.forEach(v::remove);
        switch (type) {
            case USER -> v.put("has_password", stored.path("password").isTextual()
                    && !stored.path("password").asText().isEmpty());
            case CREDENTIAL -> v.put("has_secret", stored.hasNonNull("secret_sealed"));
            case USER_KEY -> {
                if (!v.hasNonNull("key_preview")) {
                    v.put("key_preview", "sk-\u2026"); // rows imported before previews were stored
                }
            }
            default -> {
            }
        }
        return v;
    }
}
