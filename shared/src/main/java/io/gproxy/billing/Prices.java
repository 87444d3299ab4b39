package io.gproxy.billing;

import java.math.BigDecimal;

/**
 * Token prices in USD per 1,000,000 tokens (spec/core.md §9.2), exact decimals; a missing price is zero.
 */
public record Prices(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheCreation5m,
                     BigDecimal cacheCreation30m, BigDecimal cacheCreation1h, BigDecimal imageOutput) {
    public static final Prices ZERO = new Prices(null, null, null, null, null, null, null);

    public Prices {
        input = nz(input);
        output = nz(output);
        cacheRead = nz(cacheRead);
        cacheCreation5m = nz(cacheCreation5m);
        cacheCreation30m = nz(cacheCreation30m);
        cacheCreation1h = nz(cacheCreation1h);
        imageOutput = nz(imageOutput);
    }

    public Prices times(BigDecimal m) {
        return new Prices(input.multiply(m), output.multiply(m), cacheRead.multiply(m), cacheCreation5m.multiply(m),
                cacheCreation30m.multiply(m), cacheCreation1h.multiply(m), imageOutput.multiply(m));
    }

    /** These prices with every non-null field of {@code o} in place of ours. */
    public Prices with(Overrides o) {
        return new Prices(pick(o.input(), input), pick(o.output(), output), pick(o.cacheRead(), cacheRead),
                pick(o.cacheCreation5m(), cacheCreation5m), pick(o.cacheCreation30m(), cacheCreation30m),
                pick(o.cacheCreation1h(), cacheCreation1h), pick(o.imageOutput(), imageOutput));
    }

    /** The largest of each component: a price that bounds every one of the given prices from above. */
    public Prices max(Prices o) {
        return new Prices(input.max(o.input), output.max(o.output), cacheRead.max(o.cacheRead),
                cacheCreation5m.max(o.cacheCreation5m), cacheCreation30m.max(o.cacheCreation30m),
                cacheCreation1h.max(o.cacheCreation1h), imageOutput.max(o.imageOutput));
    }

    /** Explicit prices of a pricing tier; null fields keep the price they override. */
    public record Overrides(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheCreation5m,
                            BigDecimal cacheCreation30m, BigDecimal cacheCreation1h, BigDecimal imageOutput) {
        public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null);
    }

    private static BigDecimal nz(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v.stripTrailingZeros(); // compare by value
    }

    private static BigDecimal pick(BigDecimal override, BigDecimal base) {
        return override != null ? override : base;
    }
}
