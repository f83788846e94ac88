package io.fedlink.benchmarks;

import java.util.Arrays;

/**
 * Collects latencies (nanoseconds) and answers percentiles by the nearest-rank method. Not thread-safe:
 * record from one thread (the benchmark thread copies each round's latencies in after the round completes).
 */
final class LatencyRecorder {

    private long[] values = new long[1024];
    private int size;
    private boolean sorted = true;

    void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a latency cannot be negative: " + nanos);
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    void recordAll(LatencyRecorder other) {
        for (int i = 0; i < other.size; i++) {
            record(other.values[i]);
        }
    }

    int count() {
        return size;
    }

    /**
     * The smallest recorded value such that at least {@code percent} % of all values are at or below it.
     *
     * @throws IllegalStateException if nothing was recorded
     */
    long percentile(double percent) {
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + percent);
        }
        if (size == 0) {
            throw new IllegalStateException("no latency recorded");
        }
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(percent / 100.0 * size);
        return values[Math.max(rank, 1) - 1];
    }
}
