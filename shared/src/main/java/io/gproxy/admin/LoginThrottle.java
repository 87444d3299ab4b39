package io.gproxy.admin;

import io.gproxy.store.LoginThrottleStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Login throttling (spec/core.md §5.3): at 5 failures within 60 s of the first, per user name and per client IP,
 * further attempts are refused with 429 and {@code Retry-After} until the window closes, before the password is
 * even checked. Counters live in the table (shared by every container); a store error propagates so the login
 * fails closed.
 */
final class LoginThrottle {
    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofSeconds(60);

    private final LoginThrottleStore store;
    private final Clock clock;

    LoginThrottle(LoginThrottleStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Seconds to wait when the user or the IP is locked out, else empty. */
    Optional<Long> lockedFor(String userName, String ip) {
        Instant now = clock.instant();
        long wait = 0;
        for (String subject : new String[]{userSubject(userName), ipSubject(ip)}) {
            Optional<LoginThrottleStore.Window> w = store.window(subject, now, WINDOW);
            if (w.isPresent() && w.get().failures() >= MAX_FAILURES) {
                wait = Math.max(wait, Math.max(1, Duration.between(now, w.get().since().plus(WINDOW)).toSeconds() + 1));
            }
        }
        return wait > 0 ? Optional.of(wait) : Optional.empty();
    }

    void failed(String userName, String ip) {
        Instant now = clock.instant();
        store.recordFailure(userSubject(userName), now, WINDOW);
        store.recordFailure(ipSubject(ip), now, WINDOW);
    }

    /** A successful login forgets the user's failures (not the IP's: one good account must not reset a spray). */
    void succeeded(String userName) {
        store.clear(userSubject(userName));
    }

    private static String userSubject(String name) {
        return "user:" + name.toLowerCase(Locale.ROOT);
    }

    private static String ipSubject(String ip) {
        return "ip:" + ip;
    }
}
