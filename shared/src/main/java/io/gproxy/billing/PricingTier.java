package io.gproxy.billing;

import java.math.BigDecimal;

/**
 * One entry of {@code pricing_tiers_json}: applies from {@code minPromptTokens} prompt tokens on (0 when absent), to
 * every request or only to one service tier, scaling the prices by {@code multiplier} and/or replacing some.
 */
public record PricingTier(long minPromptTokens, String serviceTier, BigDecimal multiplier, Prices.Overrides overrides) {
}
