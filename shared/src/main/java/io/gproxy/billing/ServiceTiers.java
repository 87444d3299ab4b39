package io.gproxy.billing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Service tier names (spec/core.md §9.2): case-insensitive; {@code fast} ≡ {@code priority},
 * {@code default}/{@code on_demand} ≡ {@code standard}, {@code ultra-fast} ≡ {@code ultrafast}.
 */
public final class ServiceTiers {
    private ServiceTiers() {}

    /** Canonical name, or null for null/blank (and for {@code auto}: the upstream picks, so no tier is known). */
    public static String normalize(String tier) {
        if (tier == null || tier.isBlank()) {
            return null;
        }
        String t = tier.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "fast", "priority" -> "priority";
            case "default", "on-demand", "standard" -> "standard";
            case "ultra-fast", "ultrafast" -> "ultrafast";
            case "auto" -> null;
            default -> t;
        };
    }

    /** The tier a request asks for: {@code speed}, {@code service_tier} or {@code serviceTier}. */
    public static String fromRequest(JsonNode body) {
        if (body == null) {
            return null;
        }
        for (String f : new String[]{"speed", "service_tier", "serviceTier"}) {
            JsonNode v = body.get(f);
            if (v != null && v.isTextual()) {
                String t = normalize(v.textValue());
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }
}
