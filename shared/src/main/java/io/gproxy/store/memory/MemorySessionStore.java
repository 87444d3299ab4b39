package io.gproxy.store.memory;

import io.gproxy.store.SessionStore;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory sessions for unit tests only. */
public final class MemorySessionStore implements SessionStore {
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public void create(String tokenDigest, long userId, Instant expiresAt) {
        sessions.put(tokenDigest, new Session(tokenDigest, userId, expiresAt));
    }

    @Override
    public Optional<Session> find(String tokenDigest, Instant now) {
        Session s = sessions.get(tokenDigest);
        return s == null || !s.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(s);
    }

    @Override
    public void touch(String tokenDigest, Instant expiresAt) {
        sessions.computeIfPresent(tokenDigest, (k, s) -> new Session(k, s.userId(), expiresAt));
    }

    @Override
    public void delete(String tokenDigest) {
        sessions.remove(tokenDigest);
    }
}
