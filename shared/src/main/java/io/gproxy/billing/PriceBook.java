package io.gproxy.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The enabled price rules of a config snapshot and price resolution (spec/core.md §9.1): among the rules matching
 * (provider, upstream model), provider exact beats global exact beats provider contains beats global contains; ties
 * go to the longer {@code model_match}, then the lower id. No match: all prices zero (the request still runs).
 */
public final class PriceBook {
    private final List<PriceRule> rules;

    public PriceBook(List<PriceRule> rules) {
        List<PriceRule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt(PriceRule::rank)
                .thenComparing(Comparator.comparingInt((PriceRule r) -> r.modelMatch().length()).reversed())
                .thenComparingLong(PriceRule::id));
        this.rules = List.copyOf(sorted);
    }

    public static PriceBook from(List<ConfigItem> items, List<String> warnings) {
        List<PriceRule> rules = new ArrayList<>();
        for (ConfigItem i : items) {
            if (i.type() != EntityType.PRICE_RULE) {
                continue;
            }
            ObjectNode d = i.doc();
            if (d.has("enabled") && !d.path("enabled").asBoolean(true)) {
                continue;
            }
            String match = d.path("model_match").asText(null);
            if (match == null) {
                continue;
            }
            try {
                rules.add(new PriceRule(i.numericId(),
                        d.path("provider_id").isIntegralNumber() ? d.path("provider_id").longValue() : null,
                        "exact".equals(d.path("match_type").asText("exact")), match, prices(d), tiers(d.get("pricing_tiers_json"))));
            } catch (RuntimeException e) {
                warnings.add("price rule " + i.id() + " has unreadable prices or tiers; skipped");
            }
        }
        return new PriceBook(rules);
    }

    public Optional<PriceRule> find(long providerId, String model) {
        if (model == null) {
            return Optional.empty();
        }
        for (PriceRule r : rules) {
            if (r.matches(providerId, model)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Prices for (provider, model) at a prompt size and service tier; zero when no rule matches. */
    public Prices prices(long providerId, String model, long promptTokens, String serviceTier) {
        return find(providerId, model).map(r -> r.pricesFor(promptTokens, serviceTier)).orElse(Prices.ZERO);
    }

    private static Prices prices(JsonNode d) {
        return new Prices(dec(d, "input_price"), dec(d, "output_price"), dec(d, "cache_read_price"),
                dec(d, "cache_creation_5m_price"), dec(d, "cache_creation_30m_price"), dec(d, "cache_creation_1h_price"),
                dec(d, "image_output_price"));
    }

    private static Prices.Overrides overrides(JsonNode d) {
        return new Prices.Overrides(dec(d, "input_price"), dec(d, "output_price"), dec(d, "cache_read_price"),
                dec(d, "cache_creation_5m_price"), dec(d, "cache_creation_30m_price"), dec(d, "cache_creation_1h_price"),
                dec(d, "image_output_price"));
    }

    /** {@code pricing_tiers_json}: an array, or a JSON string holding one. */
    static List<PricingTier> tiers(JsonNode node) {
        if (node != null && node.isTextual()) {
            try {
                node = Json.parse(node.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("pricing_tiers_json is not JSON", e);
            }
        }
        List<PricingTier> out = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return out;
        }
        for (JsonNode t : node) {
            if (!t.isObject()) {
                continue;
            }
            long min = t.path("min_prompt_tokens").isNumber() ? t.path("min_prompt_tokens").asLong() : 0;
            String tier = ServiceTiers.normalize(t.path("service_tier").isTextual() ? t.path("service_tier").textValue() : null);
            out.add(new PricingTier(min, tier, dec(t, "multiplier"), overrides(t)));
        }
        return out;
    }

    static BigDecimal dec(JsonNode d, String field) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual() && !v.textValue().isBlank()) {
            return new BigDecimal(v.textValue().trim());
        }
        return null;
    }
}
