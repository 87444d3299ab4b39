package io.gproxy.tests.bench;

import java.util.Locale;

/** Cell texts of the result table. */
final class Cells {
    static final String NONE = "—";

    private Cells() {}

    /** A latency and, when a baseline is given, its difference: {@code 0.512 ms (+0.301 ms)}. */
    static String latency(long nanos, Long baseline) {
        String v = LatencyStats.ms(nanos);
        return baseline == null ? v : v + " (" + LatencyStats.deltaMs(nanos - baseline) + ")";
    }

    /** A rate and, with a baseline, the change in percent: {@code 2,410/s (-48%)}. */
    static String rate(double perSecond, Double baseline, String unit) {
        String v = String.format(Locale.ROOT, "%,.0f%s", perSecond, unit);
        return baseline == null || baseline == 0 ? v : v + String.format(Locale.ROOT, " (%+.0f%%)", (perSecond / baseline - 1) * 100);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    static String na(String reason) {
        return "n/a (" + reason + ")";
    }
}
