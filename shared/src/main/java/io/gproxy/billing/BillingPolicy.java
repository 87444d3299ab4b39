package io.gproxy.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What billing and authorisation read from one config snapshot, indexed once per snapshot version: price rules,
 * permissions, rate limits and quotas by scope, per-credential budgets, usage and retention settings. Built from the
 * snapshot's raw items, so no store read happens per request.
 */
public final class BillingPolicy {
    /** Per-credential minute budgets (spec/core.md §10.4); null: no limit. */
    public record CredentialLimits(Long rpm, Long tpm) {}

    private final PriceBook prices;
    private final Map<Scope.Ref, List<String>> permissions = new HashMap<>();
    private final Map<Scope.Ref, List<RateLimit>> rateLimits = new HashMap<>();
    private final Map<Scope.Ref, Quota> quotas = new HashMap<>();
    private final Map<Long, CredentialLimits> credentialLimits = new HashMap<>();
    private final int retentionDays;
    private final boolean usageEnabled;
    private final List<String> warnings = new ArrayList<>();

    private BillingPolicy(List<ConfigItem> items) {
        this.prices = PriceBook.from(items, warnings);
        int retention = 30;
        boolean usage = true;
        for (ConfigItem i : items) {
            ObjectNode d = i.doc();
            switch (i.type()) {
                case ROUTE_PERMISSION -> {
                    Scope.Ref ref = ref(d);
                    if (ref != null && d.path("route_pattern").isTextual()) {
                        permissions.computeIfAbsent(ref, k -> new ArrayList<>()).add(d.get("route_pattern").textValue());
                    }
                }
                case RATE_LIMIT -> {
                    Scope.Ref ref = ref(d);
                    if (ref != null) {
                        rateLimits.computeIfAbsent(ref, k -> new ArrayList<>()).add(new RateLimit(i.numericId(), ref,
                                d.path("route_pattern").asText("*"), positive(d, "rpm"), positive(d, "rpd"),
                                positive(d, "total_tokens")));
                    }
                }
                case QUOTA -> {
                    Scope.Ref ref = ref(d);
                    if (ref == null) {
                        break;
                    }
                    Map<Window, Long> limits = new EnumMap<>(Window.class);
                    for (Window w : Window.values()) {
                        try {
                            BigDecimal v = PriceBook.dec(d, w.field());
                            if (v != null) {
                                limits.put(w, Math.max(0, Cost.microsFloor(v)));
                            }
                        } catch (RuntimeException e) {
                            warnings.add("quota " + i.id() + " has an unreadable " + w.field() + "; treated as 0");
                            limits.put(w, 0L); // fail closed
                        }
                    }
                    if (!limits.isEmpty()) {
                        quotas.put(ref, new Quota(i.numericId(), ref, limits));
                    }
                }
                case CREDENTIAL -> {
                    Long rpm = positive(d, "rpm_limit");
                    Long tpm = positive(d, "tpm_limit");
                    if (rpm != null || tpm != null) {
                        credentialLimits.put(i.numericId(), new CredentialLimits(rpm, tpm));
                    }
                }
                case INSTANCE_SETTINGS -> {
                    if (d.path("retention_days").isIntegralNumber()) {
                        retention = d.path("retention_days").intValue();
                    }
                    usage = d.path("enable_usage").asBoolean(true);
                }
                default -> {
                }
            }
        }
        this.retentionDays = retention;
        this.usageEnabled = usage;
    }

    public static BillingPolicy of(ConfigSnapshot snapshot) {
        return new BillingPolicy(snapshot.items());
    }

    public static BillingPolicy of(List<ConfigItem> items) {
        return new BillingPolicy(items);
    }

    public PriceBook prices() {
        return prices;
    }

    public List<String> permissions(Scope.Ref ref) {
        return permissions.getOrDefault(ref, List.of());
    }

    public List<RateLimit> rateLimits(Scope.Ref ref) {
        return rateLimits.getOrDefault(ref, List.of());
    }

    public Quota quota(Scope.Ref ref) {
        return quotas.get(ref);
    }

    public CredentialLimits credentialLimits(long credentialId) {
        return credentialLimits.get(credentialId);
    }

    /** {@code instance_settings.retention_days}; 0 or less keeps usage records forever. */
    public int retentionDays() {
        return retentionDays;
    }

    /** {@code instance_settings.enable_usage}: false stops the usage records only; counters are still settled. */
    public boolean usageEnabled() {
        return usageEnabled;
    }

    public List<String> warnings() {
        return warnings;
    }

    private static Scope.Ref ref(JsonNode d) {
        Scope s = Scope.parse(d.path("scope").asText(null));
        return s == null || !d.path("scope_id").isIntegralNumber() ? null : new Scope.Ref(s, d.get("scope_id").longValue());
    }

    private static Long positive(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v != null && v.isIntegralNumber() && v.longValue() >= 0 ? v.longValue() : null;
    }

}
