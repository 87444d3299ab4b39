package io.gproxy.pipeline;

import io.gproxy.channel.pool.AffinityStore;
import io.gproxy.channel.pool.RotationCounters;
import io.gproxy.config.Route;
import io.gproxy.config.RouteMember;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders a route's members for one request (spec/core.md §8.1). Tiers are strict: every tier-0 member comes before
 * any tier-1 member. Inside a tier, {@code failover} keeps the stored order (weight descending), {@code round_robin}
 * rotates the members evenly by a per-route counter, {@code weighted} rotates them in proportion to their weights.
 * With affinity on, the member that last served this subject (user key, or user key + hashed
 * {@code x-gproxy-session-id}) leads. Counters and pins are per-container soft state, like the credential pool's.
 */
final class RouteBalancer {
    static final String SESSION_HEADER = "x-gproxy-session-id";

    private final RotationCounters rotation = RotationCounters.local();
    private final AffinityStore affinity = AffinityStore.local();

    /** The targets of {@code route} (in member order) in the order to try them. */
    List<Target> order(Route route, List<Target> targets, String affinityKey, Instant now) {
        Map<Long, RouteMember> members = new HashMap<>();
        route.members().forEach(m -> members.put(m.id(), m));
        List<Target> out = new ArrayList<>(targets.size());
        long counter = "failover".equals(route.strategy()) ? 0 : rotation.next(route.id());
        int i = 0;
        while (i < targets.size()) {
            int tier = tier(members, targets.get(i));
            int j = i;
            while (j < targets.size() && tier(members, targets.get(j)) == tier) {
                j++;
            }
            List<Target> group = targets.subList(i, j);
            int start = switch (route.strategy()) {
                case "round_robin" -> (int) Math.floorMod(counter, (long) group.size());
                case "weighted" -> weightedStart(members, group, counter);
                default -> 0;
            };
            for (int k = 0; k < group.size(); k++) {
                out.add(group.get((start + k) % group.size()));
            }
            i = j;
        }
        if (affinityKey != null) {
            Long pinned = affinity.pinned(affinityKey, now).orElse(null);
            if (pinned != null) {
                for (int k = 0; k < out.size(); k++) {
                    if (pinned.equals(out.get(k).memberId())) {
                        out.add(0, out.remove(k));
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** After a success: the serving member leads this subject's next requests (1 h rolling). */
    void served(String affinityKey, Target target, Instant now) {
        if (affinityKey != null && target.memberId() != null) {
            affinity.pin(affinityKey, target.memberId(), now);
        }
    }

    /**
     * The pin key {@code route_aff:<route>:user:<key>[:session:<sha-256 prefix>]} when the route has affinity on;
     * null otherwise. The session id is hashed so raw client text never becomes a key.
     */
    static String affinityKey(Route route, long userKeyId, String sessionId) {
        if (route == null || !route.affinityEnabled()) {
            return null;
        }
        String key = "route_aff:" + route.id() + ":user:" + userKeyId;
        if (sessionId != null && !sessionId.isBlank()) {
            key += ":session:" + sha256(sessionId).substring(0, 32);
        }
        return key;
    }

    private static int tier(Map<Long, RouteMember> members, Target t) {
        RouteMember m = t.memberId() == null ? null : members.get(t.memberId());
        return m == null ? 0 : m.tier();
    }

    /**
     * As {@code CredentialPool.weightedStart}: weights divided by their greatest common divisor, and each member
     * owns that many consecutive counter slots, so 300/100 leads A, A, A, B rather than 300 times A then 100 times B.
     */
    private static int weightedStart(Map<Long, RouteMember> members, List<Target> group, long counter) {
        long gcd = 0;
        for (Target t : group) {
            gcd = java.math.BigInteger.valueOf(gcd).gcd(java.math.BigInteger.valueOf(weight(members, t))).longValue();
        }
        long total = 0;
        for (Target t : group) {
            total += weight(members, t) / gcd;
        }
        long slot = Math.floorMod(counter, total);
        for (int k = 0; k < group.size(); k++) {
            slot -= weight(members, group.get(k)) / gcd;
            if (slot < 0) {
                return k;
            }
        }
        return 0;
    }

    private static long weight(Map<Long, RouteMember> members, Target t) {
        RouteMember m = t.memberId() == null ? null : members.get(t.memberId());
        return m == null ? 1 : Math.max(1, m.weight());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
