package io.gproxy.channel.pool;

import io.gproxy.store.HealthStore;
import io.gproxy.store.StoreUnavailableException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Credential health shared between containers through a {@link HealthStore}: this container's decisions come from
 * its {@link LocalCredentialHealth} (no store read per request); cooldowns and breaker openings it observes are
 * written to the store as they happen, and {@link #sync} (called with the config version poll) adopts what the
 * other containers wrote. Store failures never fail traffic: health is a hint, and the local state still works.
 */
public final class SharedCredentialHealth implements CredentialHealth {
    private final LocalCredentialHealth local;
    private final HealthStore store;
    private final ConcurrentLinkedQueue<HealthStore.Entry> unpublished = new ConcurrentLinkedQueue<>();
    private final java.util.Map<Long, Instant> resetsApplied = new java.util.concurrent.ConcurrentHashMap<>();

    public SharedCredentialHealth(BreakerConfig config, HealthStore store) {
        this.store = store;
        this.local = new LocalCredentialHealth(config, new Publisher());
    }

    @Override
    public boolean available(long credentialId, String model, Instant now) {
        return local.available(credentialId, model, now);
    }

    @Override
    public boolean beginAttempt(long credentialId, String model, Instant now) {
        return local.beginAttempt(credentialId, model, now);
    }

    @Override
    public void success(long credentialId, String model, Instant now) {
        local.success(credentialId, model, now);
    }

    @Override
    public void failure(long credentialId, String model, Instant now) {
        local.failure(credentialId, model, now);
        publish();
    }

    @Override
    public void coolDown(long credentialId, String model, Instant until) {
        local.coolDown(credentialId, model, until);
        publish();
    }

    /** Adopts the entries other containers wrote (one store Query). Called once per config poll interval. */
    public void sync(Instant now) {
        List<HealthStore.Entry> entries;
        try {
            entries = store.list(now);
        } catch (StoreUnavailableException e) {
            System.err.println("{\"level\":\"warn\",\"msg\":\"shared health not loaded; local health only\"}");
            return;
        }
        // resets first: they deleted the entries older than themselves, so what follows is newer and stays
        for (HealthStore.Entry e : entries) {
            if (e.kind() == HealthStore.Kind.RESET
                    && e.observedAt().isAfter(resetsApplied.getOrDefault(e.credentialId(), Instant.MIN))) {
                local.reset(e.credentialId());
                resetsApplied.put(e.credentialId(), e.observedAt());
            }
        }
        for (HealthStore.Entry e : entries) {
            switch (e.kind()) {
                case COOLDOWN -> local.adoptCooldown(e.credentialId(), e.model(), e.until());
                case BREAKER -> local.adoptOpenBreaker(e.credentialId(), e.model(), e.until(),
                        Duration.ofMillis(Math.max(0, e.openMillis())));
                case RESET -> {
                }
            }
        }
    }

    /**
     * Clears a credential's health here and in the store (admin reset); the store's reset marker makes every other
     * container clear its own copy at its next poll.
     */
    public void reset(long credentialId, Instant now) {
        local.reset(credentialId);
        resetsApplied.put(credentialId, now);
        store.reset(credentialId, now);
    }

    public HealthStore store() {
        return store;
    }

    /**
     * Writes what this container observed, outside the local state's lock. Synchronous on the attempt's thread: it
     * only happens on a failing attempt (a new cooldown or an opening breaker), never on a success.
     */
    private void publish() {
        HealthStore.Entry e;
        while ((e = unpublished.poll()) != null) {
            try {
                store.put(e);
            } catch (StoreUnavailableException ex) {
                System.err.println("{\"level\":\"warn\",\"msg\":\"shared health not written\",\"credential_id\":"
                        + e.credentialId() + "}");
            }
        }
    }

    /** Called under the local state's lock: only queues. */
    private final class Publisher implements LocalCredentialHealth.Listener {
        @Override
        public void cooled(long credentialId, String model, Instant until) {
            unpublished.add(new HealthStore.Entry(credentialId, model, HealthStore.Kind.COOLDOWN, until, 0,
                    "cooldown", Instant.now()));
        }

        @Override
        public void opened(long credentialId, String model, Instant until, Duration openFor, int failures) {
            unpublished.add(new HealthStore.Entry(credentialId, model, HealthStore.Kind.BREAKER, until,
                    openFor.toMillis(), failures + " consecutive failures", Instant.now()));
        }
    }
}
