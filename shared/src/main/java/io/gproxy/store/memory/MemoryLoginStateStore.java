package io.gproxy.store.memory;

import io.gproxy.store.LoginStateStore;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory twin of the DynamoDB login state store, for unit tests. */
public final class MemoryLoginStateStore implements LoginStateStore {
    private record Entry(String state, Instant expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void put(String sessionId, String sealedState, Instant expiresAt) {
        entries.put(sessionId, new Entry(sealedState, expiresAt));
    }

    @Override
    public Optional<String> get(String sessionId, Instant now) {
        Entry e = entries.get(sessionId);
        return e == null || !e.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(e.state());
    }

    @Override
    public void delete(String sessionId) {
        entries.remove(sessionId);
    }
}
