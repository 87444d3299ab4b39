package io.gproxy.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Console login sessions (spec/core.md §5.3). Only a SHA-256 digest of the opaque token is stored, so a leaked
 * table does not hand out live sessions. Expiry is sliding: {@link #touch} pushes it out on use.
 */
public interface SessionStore {

    record Session(String tokenDigest, long userId, Instant expiresAt) {}

    void create(String tokenDigest, long userId, Instant expiresAt);

    /** The session if it exists and has not expired at {@code now} (TTL deletion is lazy, so expiry is checked here). */
    Optional<Session> find(String tokenDigest, Instant now);

    void touch(String tokenDigest, Instant expiresAt);

    void delete(String tokenDigest);
}
