package io.gproxy.tests.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Percentiles of a set of samples (nanoseconds unless said otherwise), by the nearest-rank method on the sorted
 * samples: p50 of 1..100 is 50, p99 is 99. Immutable; {@link Recorder} collects samples without boxing.
 */
public final class LatencyStats {
    private final long[] sorted;

    private LatencyStats(long[] sorted) {
        this.sorted = sorted;
    }

    public static LatencyStats of(long... samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return new LatencyStats(copy);
    }

    public int count() {
        return sorted.length;
    }

    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /** Nearest rank: the smallest sample with at least {@code p}% of the samples at or below it. */
    public long percentile(double p) {
        if (sorted.length == 0) {
            throw new IllegalStateException("no samples");
        }
        if (p <= 0) {
            return sorted[0];
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    public long p50() {
        return percentile(50);
    }

    public long p99() {
        return percentile(99);
    }

    public long min() {
        return percentile(0);
    }

    public long max() {
        return sorted[sorted.length - 1];
    }

    public double mean() {
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        return sorted.length == 0 ? 0 : sum / sorted.length;
    }

    /** Milliseconds with precision that suits the magnitude: 0.184 ms, 12.4 ms, 1530 ms. */
    public static String ms(double nanos) {
        double ms = nanos / 1e6;
        double abs = Math.abs(ms);
        if (abs < 10) {
            return String.format(Locale.ROOT, "%.3f ms", ms);
        }
        if (abs < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** A signed difference in milliseconds: +0.412 ms. */
    public static String deltaMs(double nanos) {
        return (nanos >= 0 ? "+" : "-") + ms(Math.abs(nanos));
    }

    /** Collects samples into a growing primitive array. Not thread-safe: one per thread, then {@link #merge}. */
    public static final class Recorder {
        private long[] samples = new long[1024];
        private int size;

        public void add(long sample) {
            if (size == samples.length) {
                samples = Arrays.copyOf(samples, size * 2);
            }
            samples[size++] = sample;
        }

        public int size() {
            return size;
        }

        public void merge(Recorder other) {
            for (int i = 0; i < other.size; i++) {
                add(other.samples[i]);
            }
        }

        public LatencyStats stats() {
            return LatencyStats.of(Arrays.copyOf(samples, size));
        }
    }
}
