package io.gproxy.store;

import java.util.List;

/**
 * The config partition: entities plus a version that every write bumps in the same transaction, so readers can
 * poll the version cheaply and reload only on change (DESIGN §5).
 */
public interface ConfigStore {

    /** The current config version; 0 for an empty store. */
    long version();

    /** All config items and the version they were read at. */
    ConfigState load();

    /**
     * Writes items (upsert by entity and id) and deletes keys, bumping the version. Implementations apply it
     * atomically when it fits one transaction; larger writes go in version-bumping chunks, in the order given.
     */
    void write(List<ConfigItem> puts, List<ConfigKey> deletes);

    /** Identifies an item to delete. */
    record ConfigKey(EntityType type, String id) {}
}
