package io.gproxy.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Pending interactive logins (spec/core.md §13.4): between "start" and "complete" the gateway keeps the PKCE
 * verifier and state (or the device code) under an opaque login session id, for minutes, in any container. The value
 * is opaque here: the caller seals it. Store failures surface as {@link StoreUnavailableException}.
 */
public interface LoginStateStore {

    /** Stores {@code sealedState} under {@code sessionId} until {@code expiresAt}. */
    void put(String sessionId, String sealedState, Instant expiresAt);

    /** The state, unless absent or expired at {@code now} (TTL deletion is lazy, so expiry is checked here too). */
    Optional<String> get(String sessionId, Instant now);

    /** Removes it (after completion: a code is exchanged once). */
    void delete(String sessionId);
}
