package io.gproxy.channel.pool;

import io.gproxy.channel.Channel;
import io.gproxy.channel.Disposition;

import java.time.Duration;
import java.time.Instant;

/**
 * Health of credentials per (credential, upstream model), plus credential-wide state for account-level events
 * (spec/core.md §8.3, §8.4). The pipeline asks {@link #available} while ordering (no side effects), calls
 * {@link #beginAttempt} just before sending (consumes a half-open probe), and {@link #record} once per attempt
 * with the final disposition. Refresh failures call {@link #coolDown} credential-wide.
 */
public interface CredentialHealth {

    /** Side-effect-free admission check for planning. {@code model} null = any model. */
    boolean available(long credentialId, String model, Instant now);

    /** Claims the attempt: false when the pair turned unavailable (its half-open probe was taken meanwhile). */
    boolean beginAttempt(long credentialId, String model, Instant now);

    void success(long credentialId, String model, Instant now);

    /** A transient failure: counts towards the breaker. */
    void failure(long credentialId, String model, Instant now);

    /** No traffic until {@code until}; {@code model} null cools the whole credential. */
    void coolDown(long credentialId, String model, Instant until);

    /**
     * Applies the health effect of a final disposition (spec/core.md §3.2): Success ⇒ success; Transient ⇒
     * failure; RateLimited ⇒ cooldown for retry-after (credential-wide when the channel shares one account quota);
     * AuthDead ⇒ 600 s cooldown (credential-wide for account-token channels); Permanent ⇒ nothing.
     */
    default void record(Channel channel, long credentialId, String model, Disposition d, Instant now) {
        switch (d) {
            case Disposition.Success s -> success(credentialId, model, now);
            case Disposition.Transient t -> failure(credentialId, model, now);
            case Disposition.RateLimited r -> coolDown(credentialId,
                    channel.sharesAccountQuota(model) ? null : model, now.plus(r.retryAfter()));
            case Disposition.AuthDead a -> coolDown(credentialId, channel.credentialWideAuth() ? null : model,
                    now.plus(Disposition.AUTH_DEAD_COOLDOWN));
            case Disposition.Permanent p -> {
            }
        }
    }

    /** Breaker tuning (spec/core.md §8.3 defaults: 5 failures, 30 s, doubling to 300 s). */
    record BreakerConfig(int consecutiveFailures, Duration cooldown, Duration maxCooldown, Duration probeTimeout) {
        public static BreakerConfig defaults() {
            return new BreakerConfig(5, Duration.ofSeconds(30), Duration.ofSeconds(300), Duration.ofSeconds(30));
        }
    }

    static CredentialHealth local() {
        return new LocalCredentialHealth(BreakerConfig.defaults());
    }
}
