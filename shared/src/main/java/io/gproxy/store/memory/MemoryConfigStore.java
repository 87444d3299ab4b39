package io.gproxy.store.memory;

import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** In-memory config store for unit tests only: production and local mode use DynamoDB. */
public final class MemoryConfigStore implements ConfigStore {
    private final TreeMap<String, ConfigItem> items = new TreeMap<>();
    private long version;

    @Override
    public synchronized long version() {
        return version;
    }

    @Override
    public synchronized ConfigState load() {
        List<ConfigItem> copy = new ArrayList<>();
        items.values().forEach(i -> copy.add(new ConfigItem(i.type(), i.id(), i.doc().deepCopy())));
        return new ConfigState(version, copy);
    }

    @Override
    public synchronized void write(List<ConfigItem> puts, List<ConfigKey> deletes) {
        for (ConfigKey k : deletes) {
            items.remove(k.type().itemName() + "#" + k.id());
        }
        for (ConfigItem i : puts) {
            items.put(i.sortKey(), new ConfigItem(i.type(), i.id(), i.doc().deepCopy()));
        }
        version++;
    }

    @Override
    public synchronized void write(List<ConfigItem> puts, List<ConfigKey> deletes, long expectedVersion) {
        if (version != expectedVersion) {
            throw new io.gproxy.store.ConfigConflictException("config version is " + version + ", expected " + expectedVersion);
        }
        write(puts, deletes);
    }
}
