package io.gproxy.admin;

import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.User;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.store.SessionStore;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Login sessions (spec/core.md §5.3): an opaque token (32 random bytes, base64url) in the {@code gproxy_session}
 * cookie, stored only as its SHA-256 digest, 12 h sliding expiry. Every use re-checks the user against the config
 * snapshot, so disabling a user ends their sessions at once. The expiry is pushed out at most every few minutes,
 * not on every request, to keep reads from turning into writes.
 */
final class Sessions {
    static final String COOKIE = "gproxy_session";
    static final Duration TTL = Duration.ofHours(12);
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionStore store;
    private final Clock clock;

    Sessions(SessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new session for the user; returns the token for the cookie. */
    String open(long userId) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        store.create(KeyDigests.digest(token), userId, clock.instant().plus(TTL));
        return token;
    }

    /** The enabled user behind a session token, with the token's digest; empty when unknown, expired or disabled. */
    Optional<Caller> resolve(String token, ConfigSnapshot snapshot) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        String digest = KeyDigests.digest(token);
        Instant now = clock.instant();
        Optional<SessionStore.Session> s = store.find(digest, now);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<User> user = snapshot.user(s.get().userId()).filter(User::enabled);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        if (s.get().expiresAt().isBefore(now.plus(TTL).minus(TOUCH_EVERY))) {
            store.touch(digest, now.plus(TTL));
        }
        return Optional.of(new Caller(user.get(), digest));
    }

    void close(String token) {
        if (token != null && !token.isEmpty() && token.length() <= 200) {
            store.delete(KeyDigests.digest(token));
        }
    }

    static String setCookie(String token) {
        return COOKIE + "=" + token + "; HttpOnly; Path=/; Max-Age=" + TTL.toSeconds() + "; SameSite=Lax";
    }

    static String clearCookie() {
        return COOKIE + "=; HttpOnly; Path=/; Max-Age=0; SameSite=Lax";
    }

    /** The session token from the request's cookies, or null. */
    static String tokenFrom(io.gproxy.http.Headers headers) {
        for (String header : headers.all("cookie")) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }
}
