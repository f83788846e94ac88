package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Scalar;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running averages of numeric client metrics weighted by {@code num_examples}, the way Flower's
 * {@code weighted_average} combines {@code accuracy}. A metric's average covers only the clients that
 * reported it; non-numeric values (strings, bytes, bools) are ignored. Metrics named {@value #COUNT_PREFIX}...
 * are counts that relays report (clients folded in, clients failed; see {@code io.fedlink.relay.RelayMetrics}): they
 * are added up, whatever the weight, so a coordinator above relays shows the totals. Thread-safe.
 */
public final class WeightedMetrics {

    /** Names of metrics that are counts to add up rather than values to average. */
    public static final String COUNT_PREFIX = "fedlink.relay.";

    private final Map<String, double[]> sums = new HashMap<>(); // name -> {weighted sum, total weight}
    private final Map<String, Double> counts = new HashMap<>();

    /**
     * Adds one client's metrics with weight {@code numExamples}: a weight that is not positive adds nothing to the
     * averages (counts are added whatever the weight).
     */
    public synchronized void add(Map<String, Scalar> metrics, long numExamples) {
        for (Map.Entry<String, Scalar> metric : metrics.entrySet()) {
            Double value = numericValue(metric.getValue());
            if (value == null || value.isNaN()) {
                continue;
            }
            if (metric.getKey().startsWith(COUNT_PREFIX)) {
                counts.merge(metric.getKey(), value, Double::sum);
            } else {
                add(metric.getKey(), value, numExamples);
            }
        }
    }

    /** Adds one weighted value for {@code name}. */
    public synchronized void add(String name, double value, long numExamples) {
        if (numExamples > 0 && !Double.isNaN(value)) {
            double[] sum = sums.computeIfAbsent(name, key -> new double[2]);
            sum[0] += numExamples * value;
            sum[1] += numExamples;
        }
    }

    /** The weighted average of every metric seen and the total of every count, sorted by name. */
    public synchronized Map<String, Double> averages() {
        Map<String, Double> averages = new TreeMap<>();
        sums.forEach((name, sum) -> averages.put(name, sum[0] / sum[1]));
        averages.putAll(counts);
        return Collections.unmodifiableMap(averages);
    }

    /** A scalar as a double, or {@code null} if it is not numeric. Unsigned values are read as unsigned. */
    public static Double numericValue(Scalar scalar) {
        return switch (scalar.getScalarCase()) {
            case DOUBLE -> scalar.getDouble();
            case SINT64 -> (double) scalar.getSint64();
            case UINT64 -> unsignedToDouble(scalar.getUint64());
            default -> null;
        };
    }

    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : (value >>> 1) * 2.0 + (value & 1);
    }
}
