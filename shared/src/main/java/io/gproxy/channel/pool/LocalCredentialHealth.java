package io.gproxy.channel.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-container health state (spec/core.md §6.5, as v2 keeps it per instance): cooldowns and a circuit breaker per
 * (credential, model), cooldowns per credential. The breaker opens after N consecutive failures for its cooldown;
 * afterwards one half-open probe is admitted (re-armed if it never reports); a failed probe re-opens with twice the
 * cooldown, capped.
 */
public final class LocalCredentialHealth implements CredentialHealth {
    private final BreakerConfig config;
    private final Listener listener;
    private final Map<String, Pair> pairs = new HashMap<>();
    private final Map<Long, Instant> credentialCooldowns = new HashMap<>();

    private static final class Pair {
        Instant cooledUntil = Instant.MIN;
        int failures;
        Instant openUntil; // null: closed
        Duration lastOpen;
        Instant probeSince; // half-open probe in flight
    }

    /**
     * Told about every new or extended cooldown and every opening of a breaker, as it happens (under this object's
     * lock, so implementations must be quick or hand the work off): {@link SharedCredentialHealth} publishes them.
     */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void cooled(long credentialId, String model, Instant until) {
            }

            @Override
            public void opened(long credentialId, String model, Instant until, Duration openFor, int failures) {
            }
        };

        void cooled(long credentialId, String model, Instant until);

        void opened(long credentialId, String model, Instant until, Duration openFor, int failures);
    }

    public LocalCredentialHealth(BreakerConfig config) {
        this(config, Listener.NONE);
    }

    public LocalCredentialHealth(BreakerConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    private static String key(long credentialId, String model) {
        return credentialId + "\u0000" + (model == null ? "" : model);
    }

    @Override
    public synchronized boolean available(long credentialId, String model, Instant now) {
        Instant wide = credentialCooldowns.get(credentialId);
        if (wide != null && now.isBefore(wide)) {
            return false;
        }
        Pair p = pairs.get(key(credentialId, model));
        if (p == null) {
            return true;
        }
        if (now.isBefore(p.cooledUntil)) {
            return false;
        }
        if (p.openUntil == null) {
            return true;
        }
        if (now.isBefore(p.openUntil)) {
            return false;
        }
        return p.probeSince == null || !now.isBefore(p.probeSince.plus(config.probeTimeout()));
    }

    @Override
    public synchronized boolean beginAttempt(long credentialId, String model, Instant now) {
        if (!available(credentialId, model, now)) {
            return false;
        }
        Pair p = pairs.get(key(credentialId, model));
        if (p != null && p.openUntil != null) {
            p.probeSince = now; // half-open: this attempt is the probe
        }
        return true;
    }

    @Override
    public synchronized void success(long credentialId, String model, Instant now) {
        Pair p = pairs.get(key(credentialId, model));
        if (p != null) {
            p.failures = 0;
            p.openUntil = null;
            p.lastOpen = null;
            p.probeSince = null;
        }
    }

    @Override
    public synchronized void failure(long credentialId, String model, Instant now) {
        Pair p = pairs.computeIfAbsent(key(credentialId, model), k -> new Pair());
        if (p.openUntil != null) {
            // a failed half-open probe: open again for twice as long
            Duration next = p.lastOpen == null ? config.cooldown() : p.lastOpen.multipliedBy(2);
            if (next.compareTo(config.maxCooldown()) > 0) {
                next = config.maxCooldown();
            }
            p.lastOpen = next;
            p.openUntil = now.plus(next);
            p.probeSince = null;
            listener.opened(credentialId, model, p.openUntil, next, p.failures);
            return;
        }
        p.failures++;
        if (p.failures >= config.consecutiveFailures()) {
            p.lastOpen = config.cooldown();
            p.openUntil = now.plus(config.cooldown());
            p.probeSince = null;
            listener.opened(credentialId, model, p.openUntil, config.cooldown(), p.failures);
        }
    }

    @Override
    public synchronized void coolDown(long credentialId, String model, Instant until) {
        if (extendCooldown(credentialId, model, until)) {
            listener.cooled(credentialId, model, until);
        }
    }

    private boolean extendCooldown(long credentialId, String model, Instant until) {
        if (model == null) {
            Instant before = credentialCooldowns.get(credentialId);
            if (before != null && !until.isAfter(before)) {
                return false;
            }
            credentialCooldowns.put(credentialId, until);
            return true;
        }
        Pair p = pairs.computeIfAbsent(key(credentialId, model), k -> new Pair());
        if (!until.isAfter(p.cooledUntil)) {
            return false;
        }
        p.cooledUntil = until;
        return true;
    }

    /** A cooldown another container observed: applied here without telling the listener (it came from there). */
    public synchronized void adoptCooldown(long credentialId, String model, Instant until) {
        extendCooldown(credentialId, model, until);
    }

    /**
     * A breaker another container opened: open here too until {@code until}, remembering the open period so a failed
     * probe in this container doubles what the other one set. A breaker already open longer here is left alone.
     */
    public synchronized void adoptOpenBreaker(long credentialId, String model, Instant until, Duration openFor) {
        Pair p = pairs.computeIfAbsent(key(credentialId, model), k -> new Pair());
        if (p.openUntil != null && !until.isAfter(p.openUntil)) {
            return;
        }
        p.openUntil = until;
        p.lastOpen = p.lastOpen == null || openFor.compareTo(p.lastOpen) > 0 ? openFor : p.lastOpen;
        p.failures = Math.max(p.failures, config.consecutiveFailures());
        p.probeSince = null;
    }

    /** Forgets everything about a credential (admin reset). */
    public synchronized void reset(long credentialId) {
        credentialCooldowns.remove(credentialId);
        String prefix = credentialId + "\u0000";
        pairs.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
