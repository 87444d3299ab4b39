package io.gproxy.store.memory;

import io.gproxy.store.HealthStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-memory shared health for unit tests: what several containers on one table would see. */
public final class MemoryHealthStore implements HealthStore {
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private static String key(Entry e) {
        return e.credentialId() + "#" + (e.model() == null ? "*" : e.model()) + "#" + e.kind();
    }

    @Override
    public synchronized void put(Entry entry) {
        entries.put(key(entry), entry);
    }

    @Override
    public synchronized List<Entry> list(Instant now) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.until().isAfter(now)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized void reset(long credentialId, Instant now) {
        entries.values().removeIf(e -> e.credentialId() == credentialId);
        put(new Entry(credentialId, null, Kind.RESET, now.plus(RESET_MARKER_TTL), 0, "reset", now));
    }
}
