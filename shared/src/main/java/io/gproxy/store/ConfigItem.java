package io.gproxy.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stored config entity. {@code doc} holds the entity's fields as stored: secrets are already sealed
 * (credentials carry {@code secret_sealed} instead of {@code secret_json}; user keys carry {@code api_key_digest}
 * and {@code api_key_sealed} instead of {@code api_key}).
 */
public record ConfigItem(EntityType type, String id, ObjectNode doc) {

    /** Sort key within the config partition. */
    public String sortKey() {
        return type.itemName() + "#" + id;
    }

    public long numericId() {
        return Long.parseLong(id);
    }
}
