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

    /**
     * Like {@link #write(List, List)}, but only if the version is still {@code expectedVersion} (the version the
     * caller's {@link #load()} returned), else {@link ConfigConflictException} and nothing written. This is what makes
     * admin read-check-write sequences (unique names, generated ids, reference checks) safe against a concurrent
     * writer in another container. A write too large for one transaction is checked on its first chunk only.
     * The default (for test doubles) checks then writes, which is not atomic; the real stores override it.
     */
    default void write(List<ConfigItem> puts, List<ConfigKey> deletes, long expectedVersion) {
        long now = version();
        if (now != expectedVersion) {
            throw new ConfigConflictException("config version is " + now + ", expected " + expectedVersion);
        }
        write(puts, deletes);
    }

    /** Identifies an item to delete. */
    record ConfigKey(EntityType type, String id) {}
}
