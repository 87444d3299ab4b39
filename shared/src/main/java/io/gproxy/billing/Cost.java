package io.gproxy.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The cost formula of spec/core.md §9.2 in exact decimal arithmetic, and micro-dollar conversion (§9.5): counters
 * hold integers in micro-dollars.
 */
public final class Cost {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Cost() {}

    /** USD, exact: Σ tokens × price-per-million / 1e6. */
    public static BigDecimal usd(Prices p, BilledUsage u) {
        BigDecimal sum = BigDecimal.ZERO
                .add(p.input().multiply(BigDecimal.valueOf(u.input())))
                .add(p.output().multiply(BigDecimal.valueOf(u.output())))
                .add(p.cacheRead().multiply(BigDecimal.valueOf(u.cacheRead())))
                .add(p.cacheCreation5m().multiply(BigDecimal.valueOf(u.cacheCreation5m())))
                .add(p.cacheCreation30m().multiply(BigDecimal.valueOf(u.cacheCreation30m())))
                .add(p.cacheCreation1h().multiply(BigDecimal.valueOf(u.cacheCreation1h())))
                .add(p.imageOutput().multiply(BigDecimal.valueOf(u.imageOutput())));
        return sum.divide(MILLION).stripTrailingZeros(); // exact: dividing by 10^6 only moves the decimal point
    }

    /** Micro-dollars, rounded half up (settled costs). */
    public static long micros(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Micro-dollars, rounded up (estimates and limits never round in the client's favour). */
    public static long microsCeil(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Micro-dollars of a limit, rounded down. */
    public static long microsFloor(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** Plain decimal text, no exponent, no trailing zeros ("0" for zero). */
    public static String format(BigDecimal usd) {
        return usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
    }
}
