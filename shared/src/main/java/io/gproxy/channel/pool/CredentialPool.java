package io.gproxy.channel.pool;

import io.gproxy.config.Credential;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Credential pool ordering per provider (spec/core.md §8.2), as a pure function the pipeline calls once per
 * candidate provider:
 * <ol>
 * <li>drop disabled credentials and those health does not admit (cooldown, open breaker);</li>
 * <li>rotate by the provider's rotation counter, weighted: weights are divided by their greatest common divisor
 * and the counter walks a line where each credential owns that many slots, so each credential leads in proportion
 * to its weight (equal weights: plain round robin; 300/100: three times the first, once the second); the others
 * follow in pool order;</li>
 * <li>{@code sticky}: the credential pinned for this user key moves to the front, and the front credential is
 * (re-)pinned ({@link Ordering#pin()}), so a cooled pin hands over to the next one.</li>
 * </ol>
 */
public final class CredentialPool {
    public static final String ROUND_ROBIN = "round_robin";
    public static final String STICKY = "sticky";

    private CredentialPool() {}

    /**
     * @param pool     the provider's credentials in their stored order
     * @param rotation the provider's rotation counter value for this request ({@link RotationCounters#next})
     * @param pinned   the credential pinned for this user key (sticky), or null
     * @param admitted health admission (side-effect free)
     */
    public static Ordering order(List<Credential> pool, String strategy, long rotation, Long pinned,
                                 Predicate<Credential> admitted) {
        List<Credential> usable = new ArrayList<>();
        for (Credential c : pool) {
            if (c.enabled() && admitted.test(c)) {
                usable.add(c);
            }
        }
        if (usable.isEmpty()) {
            return new Ordering(List.of(), null);
        }
        int start = weightedStart(usable, rotation);
        List<Credential> ordered = new ArrayList<>(usable.size());
        for (int i = 0; i < usable.size(); i++) {
            ordered.add(usable.get((start + i) % usable.size()));
        }
        if (!STICKY.equals(strategy)) {
            return new Ordering(List.copyOf(ordered), null);
        }
        if (pinned != null) {
            for (int i = 0; i < ordered.size(); i++) {
                if (ordered.get(i).id() == pinned) {
                    ordered.add(0, ordered.remove(i));
                    break;
                }
            }
        }
        return new Ordering(List.copyOf(ordered), ordered.get(0).id());
    }

    /** Index of the credential that leads for this counter value. Non-positive weights count as 1. */
    static int weightedStart(List<Credential> usable, long rotation) {
        long gcd = 0;
        for (Credential c : usable) {
            gcd = gcd(gcd, Math.max(1, c.weight()));
        }
        long total = 0;
        for (Credential c : usable) {
            total += Math.max(1, c.weight()) / gcd;
        }
        long slot = Math.floorMod(rotation, total);
        for (int i = 0; i < usable.size(); i++) {
            slot -= Math.max(1, usable.get(i).weight()) / gcd;
            if (slot < 0) {
                return i;
            }
        }
        return 0;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * @param ordered the credentials to try, in order
     * @param pin     for sticky pools: the credential to pin for the user key now (1 h rolling TTL); else null
     */
    public record Ordering(List<Credential> ordered, Long pin) {}
}
