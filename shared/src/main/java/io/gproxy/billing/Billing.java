package io.gproxy.billing;

import io.gproxy.config.ConfigSnapshot;
import io.gproxy.store.CounterRefusedException;
import io.gproxy.store.CounterStore;
import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoreUnavailableException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admission and settlement (DESIGN §5, spec/core.md §9, §10): before the first upstream call a request is checked
 * against permissions and reserves, in ONE conditional transaction, one request on every matching rate-limit bucket
 * and its estimated cost on every budget bucket of its scope chain, so that a refused request consumes nothing and
 * concurrent requests cannot overspend; after the last byte, {@link Admission} settles the actual cost exactly once.
 *
 * <p>Counter items ({@code pk = CTR#<scope>#<id>}):
 * <ul>
 *   <li>{@code sk = Q#total | Q#d#<yyyy-mm-dd> | Q#w#<yyyy>-W<ww> | Q#m#<yyyy-mm> | Q#h5#<n> | Q#d7#<n>}: budget
 *       buckets with {@code committed} (µ$ reserved or settled; the condition {@code committed <= limit − estimate}
 *       guards it), {@code spent} (µ$ settled) and {@code requests}; TTL = window end + retention.</li>
 *   <li>{@code sk = RL#<rate limit id>#m#<yyyyMMddHHmm>}: {@code n} requests in the minute, {@code n <= rpm − 1};
 *       TTL = minute end + 1 h.</li>
 *   <li>{@code sk = RL#<rate limit id>#d#<yyyy-mm-dd>}: {@code n} requests ({@code n <= rpd − 1}) and {@code tok}
 *       tokens settled that day ({@code tok <= total_tokens − 1} at admission); TTL = day end + 1 day.</li>
 * </ul>
 * Credentials with {@code rpm_limit}/{@code tpm_limit}: {@code pk = CTR#cred#<id>, sk = M#<yyyyMMddHHmm>}.
 */
public final class Billing {
    static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    /** Reservation markers outlive any invocation (15 min) by far; an unsettled reservation stays committed. */
    static final long MARKER_TTL_SECONDS = 86_400;

    private final CounterStore store;
    private final Clock clock;
    private final BillingOptions options;
    private volatile PolicyCache policyCache;

    private record PolicyCache(ConfigSnapshot snapshot, BillingPolicy policy) {}

    public Billing(CounterStore store, Clock clock, BillingOptions options) {
        this.store = store;
        this.clock = clock;
        this.options = options;
    }

    public CounterStore store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    /** The policy of a snapshot, built once per snapshot. */
    public BillingPolicy policy(ConfigSnapshot snapshot) {
        PolicyCache c = policyCache;
        if (c != null && c.snapshot() == snapshot) {
            return c.policy();
        }
        BillingPolicy p = BillingPolicy.of(snapshot);
        for (String w : p.warnings()) {
            System.err.println("{\"level\":\"warn\",\"msg\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(w) + "}");
        }
        policyCache = new PolicyCache(snapshot, p);
        return p;
    }

    /**
     * Permissions, rate limits and the budget reservation. Returns the admission that must be settled (or released)
     * once the response is done.
     *
     * @throws Refusal 403, 429 (with Retry-After) or 503; nothing was consumed
     */
    public Admission admit(AdmissionRequest r) throws Refusal {
        BillingPolicy policy = policy(r.snapshot());
        List<Scope.Ref> chain = Permissions.chain(r.snapshot(), r.identity().user()).orElseThrow(Refusal::forbidden);
        AdmissionRequest.Candidate first = r.candidates().isEmpty() ? null : r.candidates().get(0);
        String provider = first == null ? null : first.providerName();
        if (!Permissions.allows(policy, chain, r.routeName(), provider, first == null ? null : first.model())) {
            throw Refusal.forbidden();
        }
        Instant now = clock.instant();
        String limitName = r.routeName() != null ? r.routeName() : provider;
        List<CounterUpdate> updates = new ArrayList<>();
        List<Refusal> reasons = new ArrayList<>();
        List<CounterUpdate> tokenDays = new ArrayList<>();
        List<CounterUpdate> budgets = new ArrayList<>();

        Instant minuteEnd = Instant.ofEpochSecond((Math.floorDiv(now.getEpochSecond(), 60) + 1) * 60);
        Instant dayEnd = Window.DAY.end(now);
        for (Scope.Ref ref : chain) {
            for (RateLimit rl : policy.rateLimits(ref)) {
                if (limitName == null || !rl.appliesTo(limitName)) {
                    continue;
                }
                if (rl.rpm() != null) {
                    add(updates, reasons, new CounterUpdate(ref.counterPartition(), "RL#" + rl.id() + "#m#" + MINUTE.format(now),
                            Map.of("n", 1L), Map.of("n", rl.rpm() - 1), Map.of(), minuteEnd.getEpochSecond() + 3600),
                            Refusal.rateLimited(seconds(now, minuteEnd)));
                }
                if (rl.rpd() != null || rl.dailyTokens() != null) {
                    Map<String, Long> bounds = new LinkedHashMap<>();
                    if (rl.rpd() != null) {
                        bounds.put("n", rl.rpd() - 1);
                    }
                    if (rl.dailyTokens() != null) {
                        bounds.put("tok", rl.dailyTokens() - 1);
                    }
                    CounterUpdate day = new CounterUpdate(ref.counterPartition(),
                            "RL#" + rl.id() + "#d#" + now.atZone(ZoneOffset.UTC).toLocalDate(), Map.of("n", 1L), bounds,
                            Map.of(), dayEnd.getEpochSecond() + 86_400);
                    add(updates, reasons, day, Refusal.rateLimited(seconds(now, dayEnd)));
                    if (rl.dailyTokens() != null) {
                        tokenDays.add(day);
                    }
                }
            }
        }
        boolean billed = r.operation().isContentGeneration();
        long estimate = 0;
        if (billed) {
            estimate = estimateMicros(r, policy);
            int retention = Math.max(1, policy.retentionDays());
            for (Scope.Ref ref : chain) {
                Quota q = policy.quota(ref);
                if (q == null) {
                    continue;
                }
                for (Map.Entry<Window, Long> e : q.limitsMicros().entrySet()) {
                    Instant end = e.getKey().end(now);
                    CounterUpdate bucket = new CounterUpdate(ref.counterPartition(), e.getKey().bucketKey(now),
                            Map.of("committed", estimate), Map.of("committed", e.getValue() - Math.max(estimate, 1)), Map.of(),
                            end == null ? null : end.getEpochSecond() + retention * 86_400L);
                    add(updates, reasons, bucket, Refusal.quotaExceeded(end == null ? null : seconds(now, end)));
                    budgets.add(bucket);
                }
            }
        }
        // A bound below zero refuses even a counter that does not exist yet (a limit of 0, or an estimate above it).
        for (int i = 0; i < updates.size(); i++) {
            if (updates.get(i).atMost().values().stream().anyMatch(b -> b < 0)) {
                throw reasons.get(i);
            }
        }
        boolean reserved = false;
        // Content generation always reserves, if only its marker: a store that cannot take the reservation refuses
        // the request (fail closed) rather than serving one whose usage record could not be written either.
        if (!updates.isEmpty() || billed) {
            try {
                store.reserve(r.requestId(), updates, now.getEpochSecond() + MARKER_TTL_SECONDS);
                reserved = true;
            } catch (CounterRefusedException e) {
                throw reasons.get(e.index());
            } catch (StoreUnavailableException e) {
                undoAmbiguousReservation(r.requestId(), updates, now);
                throw Refusal.unavailable();
            }
        }
        return new Admission(this, r, policy, chain, now, billed, reserved, estimate, budgets, tokenDays,
                ServiceTiers.fromRequest(r.body()));
    }

    /**
     * The reserved cost: request size as input tokens (priced at the highest of the input and cache-write prices,
     * so a prompt written to cache is covered too) plus the request's output limit (or the default), for the most
     * expensive candidate, rounded up to a micro-dollar.
     */
    long estimateMicros(AdmissionRequest r, BillingPolicy policy) {
        long in = r.bodyBytes();
        long out = Estimates.maxOutputTokens(r.body()).orElse(options.defaultMaxOutputTokens());
        String tier = ServiceTiers.fromRequest(r.body());
        BigDecimal max = BigDecimal.ZERO;
        for (AdmissionRequest.Candidate c : r.candidates()) {
            Prices p = policy.prices().prices(c.providerId(), c.model(), in, tier);
            BigDecimal inPrice = p.input().max(p.cacheCreation5m()).max(p.cacheCreation30m()).max(p.cacheCreation1h());
            Prices bound = new Prices(inPrice, p.output(), null, null, null, null, null);
            max = max.max(Cost.usd(bound, new BilledUsage(in, out, 0, 0, 0, 0, 0, 0)));
        }
        return Cost.microsCeil(max);
    }

    /** Applies a settlement; false when this request was settled before (nothing changed). */
    public boolean apply(Settlement s) {
        if (s.empty()) {
            return false;
        }
        return store.settle(s.requestId(), s.reserved(), s.updates(), s.records(),
                clock.instant().getEpochSecond() + MARKER_TTL_SECONDS);
    }

    /**
     * The reservation call failed without a clear answer: it may have been applied. Undo it only if its marker exists
     * (the conditional settle does nothing otherwise), so a reservation that never happened is not refunded.
     */
    private void undoAmbiguousReservation(String requestId, List<CounterUpdate> updates, Instant now) {
        try {
            List<CounterUpdate> undo = new ArrayList<>();
            for (CounterUpdate u : updates) {
                Map<String, Long> neg = new LinkedHashMap<>();
                u.add().forEach((k, v) -> neg.put(k, -v));
                undo.add(u.adjust(neg));
            }
            store.settle(requestId, true, undo, List.of(), now.getEpochSecond() + MARKER_TTL_SECONDS);
        } catch (RuntimeException ignored) {
            // still unreachable: the reservation (if any) stays committed, which errs on the safe side
        }
    }

    private static void add(List<CounterUpdate> updates, List<Refusal> reasons, CounterUpdate u, Refusal why) {
        updates.add(u);
        reasons.add(why);
    }

    private static long seconds(Instant now, Instant end) {
        return Math.max(1, (end.toEpochMilli() - now.toEpochMilli() + 999) / 1000);
    }
}
