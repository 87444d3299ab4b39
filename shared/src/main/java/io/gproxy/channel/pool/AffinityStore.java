package io.gproxy.channel.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sticky credential pins {@code aff:{provider}:{user_key}} → credential id, with a rolling TTL (spec/core.md §8.2,
 * 1 h). The pipeline reads the pin before ordering and writes {@link CredentialPool.Ordering#pin()} after.
 */
public interface AffinityStore {
    Duration TTL = Duration.ofHours(1);

    static String key(long providerId, long userKeyId) {
        return "aff:" + providerId + ":" + userKeyId;
    }

    Optional<Long> pinned(String key, Instant now);

    void pin(String key, long credentialId, Instant now);

    /** Per-container pins (soft state). */
    static AffinityStore local() {
        record Pin(long credentialId, Instant expires) {}
        Map<String, Pin> pins = new ConcurrentHashMap<>();
        return new AffinityStore() {
            @Override
            public Optional<Long> pinned(String key, Instant now) {
                Pin p = pins.get(key);
                if (p == null || !p.expires().isAfter(now)) {
                    return Optional.empty();
                }
                return Optional.of(p.credentialId());
            }

            @Override
            public void pin(String key, long credentialId, Instant now) {
                pins.put(key, new Pin(credentialId, now.plus(TTL)));
            }
        };
    }
}
