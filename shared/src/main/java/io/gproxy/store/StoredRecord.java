package io.gproxy.store;

import java.util.Map;

/**
 * An item written once: a put that only succeeds if no item with that key exists (usage records). Attribute values
 * are {@link String}, {@link Long}/{@link Integer}, or {@link java.math.BigDecimal} (stored as numbers).
 */
public record StoredRecord(String pk, String sk, Map<String, Object> attributes) {
    public StoredRecord {
        attributes = Map.copyOf(attributes);
    }
}
