package io.github.wecomkit.benchmarks;

/**
 * Call latencies in microsecond buckets up to 65 ms, beyond that in one overflow bucket; one per thread, merged
 * after the round so recording costs an array increment.
 */
final class Latencies {

    private static final int BUCKETS = 1 << 16;

    private final long[] counts = new long[BUCKETS + 1];
    private long total;
    private long maxNanos;

    void record(long nanos) {
        long micros = nanos / 1_000;
        counts[micros >= BUCKETS ? BUCKETS : (int) micros]++;
        total++;
        if (nanos > maxNanos) {
            maxNanos = nanos;
        }
    }

    void add(Latencies other) {
        for (int i = 0; i <= BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    long total() {
        return total;
    }

    /** The latency below which {@code fraction} of the calls fell, in microseconds (upper edge of its bucket). */
    double percentileMicros(double fraction) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i + 1;
            }
        }
        return maxNanos / 1_000.0;
    }
}
