package io.gproxy.billing;

/**
 * @param defaultMaxOutputTokens output tokens reserved for a request that names no maximum
 */
public record BillingOptions(long defaultMaxOutputTokens) {
    public static final BillingOptions DEFAULTS = new BillingOptions(4096);
}
