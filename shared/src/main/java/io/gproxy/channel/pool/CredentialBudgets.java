package io.gproxy.channel.pool;

import java.time.Instant;

/**
 * Per-credential rpm/tpm budget checks (spec/core.md §10.4) as pure functions over minute buckets. An exhausted
 * credential is skipped: not an attempt, not a health failure. Counters live behind {@link BudgetCounters}; a
 * counter failure means "exhausted" (fail closed, DESIGN §5).
 */
public final class CredentialBudgets {
    private CredentialBudgets() {}

    /** Requests and tokens already counted in a credential's current minute. */
    public record MinuteUsage(long requests, long tokens) {
        public static final MinuteUsage ZERO = new MinuteUsage(0, 0);
    }

    /** The minute bucket of an instant (epoch minutes). */
    public static long minute(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), 60);
    }

    /** Counter item keys: {@code crpm:<credential>:<minute>}, {@code ctpm:<credential>:<minute>}. */
    public static String rpmKey(long credentialId, long minute) {
        return "crpm:" + credentialId + ":" + minute;
    }

    public static String tpmKey(long credentialId, long minute) {
        return "ctpm:" + credentialId + ":" + minute;
    }

    /**
     * Whether one more request with {@code estimatedTokens} fits: requests + 1 ≤ rpm, and tokens + estimate ≤ tpm
     * (a minute whose tokens already reached the limit refuses even a zero estimate).
     */
    public static boolean allows(CredentialLimits limits, MinuteUsage used, long estimatedTokens) {
        if (limits.rpm() != null && used.requests() + 1 > limits.rpm()) {
            return false;
        }
        if (limits.tpm() != null) {
            if (used.tokens() >= limits.tpm()) {
                return false;
            }
            return used.tokens() + Math.max(0, estimatedTokens) <= limits.tpm();
        }
        return true;
    }

    /**
     * The counters behind the check. A DynamoDB implementation belongs with the billing counters
     * ({@code CTR#credential#<id>} items, conditional {@code ADD} as in spec/aws.md §D5); {@link #local()} serves
     * local mode and tests.
     */
    public interface BudgetCounters {
        /**
         * Counts the request and its estimated tokens in the current minute if it fits; false when exhausted.
         * Implementations must fail closed: an unreachable counter store means false.
         */
        boolean tryReserve(long credentialId, CredentialLimits limits, long estimatedTokens, Instant now);

        /** After the answer: corrects the minute's tokens by {@code actual - estimated}. */
        void settle(long credentialId, long tokenDelta, Instant reservedAt);

        static BudgetCounters local() {
            return new LocalBudgetCounters();
        }
    }

    static final class LocalBudgetCounters implements BudgetCounters {
        private final java.util.Map<String, long[]> minutes = new java.util.HashMap<>();

        @Override
        public synchronized boolean tryReserve(long credentialId, CredentialLimits limits, long estimatedTokens,
                                               Instant now) {
            if (limits.unlimited()) {
                return true;
            }
            long m = minute(now);
            minutes.keySet().removeIf(k -> Long.parseLong(k.substring(k.lastIndexOf(':') + 1)) < m - 1);
            long[] c = minutes.computeIfAbsent(credentialId + ":" + m, k -> new long[2]);
            if (!allows(limits, new MinuteUsage(c[0], c[1]), estimatedTokens)) {
                return false;
            }
            c[0]++;
            c[1] += Math.max(0, estimatedTokens);
            return true;
        }

        @Override
        public synchronized void settle(long credentialId, long tokenDelta, Instant reservedAt) {
            long[] c = minutes.get(credentialId + ":" + minute(reservedAt));
            if (c != null) {
                c[1] = Math.max(0, c[1] + tokenDelta);
            }
        }
    }
}
