package io.gproxy.billing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An enabled price rule (spec/core.md §4.2, §9.1): a model match ({@code exact} or {@code contains}) for one provider
 * or all ({@code providerId} null), base prices and pricing tiers.
 */
public record PriceRule(long id, Long providerId, boolean exact, String modelMatch, Prices prices,
                        List<PricingTier> tiers) {

    public PriceRule {
        tiers = List.copyOf(tiers);
    }

    public boolean matches(long provider, String model) {
        if (providerId != null && providerId != provider) {
            return false;
        }
        return exact ? modelMatch.equals(model) : model.contains(modelMatch);
    }

    /** 1 provider exact, 2 global exact, 3 provider contains, 4 global contains. */
    int rank() {
        return (exact ? 0 : 2) + (providerId != null ? 1 : 2);
    }

    /**
     * The prices of a request with {@code promptTokens} prompt tokens (input including cache reads and writes) in
     * {@code serviceTier} (canonical, or null): the highest prompt threshold without a tier applies first, then the
     * highest threshold for the request's tier, whose multiplier scales the prices before its explicit prices win.
     */
    public Prices pricesFor(long promptTokens, String serviceTier) {
        Prices p = prices;
        Optional<PricingTier> base = highest(promptTokens, null);
        if (base.isPresent()) {
            p = apply(p, base.get());
        }
        if (serviceTier != null) {
            Optional<PricingTier> tier = highest(promptTokens, serviceTier);
            if (tier.isPresent()) {
                p = apply(p, tier.get());
            }
        }
        return p;
    }

    private Optional<PricingTier> highest(long promptTokens, String serviceTier) {
        return tiers.stream()
                .filter(t -> serviceTier == null ? t.serviceTier() == null : serviceTier.equals(t.serviceTier()))
                .filter(t -> t.minPromptTokens() <= promptTokens)
                .max(Comparator.comparingLong(PricingTier::minPromptTokens));
    }

    private static Prices apply(Prices p, PricingTier t) {
        Prices out = t.multiplier() != null ? p.times(t.multiplier()) : p;
        return out.with(t.overrides());
    }
}
