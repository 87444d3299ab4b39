package io.gproxy.billing;

/**
 * Admission refused the request before any upstream call (spec/surface.md §2.5): 403 {@code forbidden}, 429
 * {@code rate limited} / {@code quota exceeded} with the seconds until the refusing window ends, or 503 when the
 * counters could not be reached (fail closed).
 */
public final class Refusal extends Exception {
    private final int status;
    private final Long retryAfterSeconds;

    public Refusal(int status, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static Refusal forbidden() {
        return new Refusal(403, "forbidden", null);
    }

    public static Refusal rateLimited(long retryAfter) {
        return new Refusal(429, "rate limited", Math.max(1, retryAfter));
    }

    /** @param retryAfter seconds until the window ends; null for the total budget, which never resets */
    public static Refusal quotaExceeded(Long retryAfter) {
        return new Refusal(429, "quota exceeded", retryAfter == null ? null : Math.max(1, retryAfter));
    }

    public static Refusal unavailable() {
        return new Refusal(503, "rate-limit and quota counters unavailable", 1L);
    }

    public int status() {
        return status;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
