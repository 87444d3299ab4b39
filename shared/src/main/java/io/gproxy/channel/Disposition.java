package io.gproxy.channel;

import io.gproxy.http.Headers;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What an upstream answer means for failover and health (spec/core.md §3.2). Channels classify every attempt with
 * {@link Channel#classify}; the generic map is {@link #generic}.
 *
 * <table>
 * <tr><th>HTTP</th><th>Disposition</th><th>Failover</th><th>Health</th></tr>
 * <tr><td>2xx</td><td>Success</td><td>no (return)</td><td>breaker success</td></tr>
 * <tr><td>401, 402, 403</td><td>AuthDead</td><td>yes</td><td>forced refresh + replay once; then cooldown 600 s</td></tr>
 * <tr><td>429</td><td>RateLimited</td><td>yes</td><td>cooldown until now + Retry-After (default 30 s)</td></tr>
 * <tr><td>5xx, transport</td><td>Transient</td><td>yes</td><td>breaker failure</td></tr>
 * <tr><td>other 4xx</td><td>Permanent</td><td>no (relay)</td><td>none</td></tr>
 * </table>
 */
public sealed interface Disposition {
    /** Cooldown after a 429 without a usable Retry-After. */
    Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
    /** Cooldown of a credential that stayed dead after a forced refresh. */
    Duration AUTH_DEAD_COOLDOWN = Duration.ofSeconds(600);

    /** True when the pipeline moves on to the next candidate; false when this answer goes to the client. */
    boolean failover();

    record Success() implements Disposition {
        @Override
        public boolean failover() {
            return false;
        }
    }

    record AuthDead() implements Disposition {
        @Override
        public boolean failover() {
            return true;
        }
    }

    /** @param retryAfter how long the (credential, model) cools down; never negative */
    record RateLimited(Duration retryAfter) implements Disposition {
        @Override
        public boolean failover() {
            return true;
        }
    }

    record Transient() implements Disposition {
        @Override
        public boolean failover() {
            return true;
        }
    }

    record Permanent() implements Disposition {
        @Override
        public boolean failover() {
            return false;
        }
    }

    Success SUCCESS = new Success();
    AuthDead AUTH_DEAD = new AuthDead();
    Transient TRANSIENT = new Transient();
    Permanent PERMANENT = new Permanent();

    /** The generic status map of spec/core.md §3.2. */
    static Disposition generic(int status, Headers headers, Instant now) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 401 || status == 402 || status == 403) {
            return AUTH_DEAD;
        }
        if (status == 429) {
            return new RateLimited(retryAfter(headers, now));
        }
        if (status >= 500 || status < 200) {
            return TRANSIENT;
        }
        return PERMANENT;
    }

    /**
     * The {@code Retry-After} header as a duration from {@code now}: delta-seconds or an HTTP-date (RFC 9110 §10.2.3);
     * {@link #DEFAULT_RETRY_AFTER} when absent or unreadable. A date in the past means "now" (zero).
     */
    static Duration retryAfter(Headers headers, Instant now) {
        String v = headers == null ? null : headers.firstOrNull("retry-after");
        if (v == null || v.isBlank()) {
            return DEFAULT_RETRY_AFTER;
        }
        v = v.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException tooLarge) {
                return DEFAULT_RETRY_AFTER;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return DEFAULT_RETRY_AFTER;
        }
    }
}
