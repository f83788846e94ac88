package io.fedlink.strategy.aggregate;

import io.fedlink.proto.Scalar;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running averages of numeric client metrics weighted by {@code num_examples}, the way Flower's
 * {@code weighted_average} combines {@code accuracy}. A metric's average covers only the clients that
 * reported it; non-numeric values (strings, bytes, bools) are ignored. Thread-safe.
 */
public final class WeightedMetrics {

    private final Map<String, double[]> sums = new HashMap<>(); // name -> {weighted sum, total weight}

    /** Adds one client's metrics with weight {@code numExamples}; nothing is added for a weight that is not positive. */
    public synchronized void add(Map<String, Scalar> metrics, long numExamples) {
        if (numExamples <= 0) {
            return;
        }
        for (Map.Entry<String, Scalar> metric : metrics.entrySet()) {
            Double value = numericValue(metric.getValue());
            if (value != null && !value.isNaN()) {
                double[] sum = sums.computeIfAbsent(metric.getKey(), key -> new double[2]);
                sum[0] += numExamples * value;
                sum[1] += numExamples;
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

    /** The weighted average of every metric seen, sorted by name. */
    public synchronized Map<String, Double> averages() {
        Map<String, Double> averages = new TreeMap<>();
        sums.forEach((name, sum) -> averages.put(name, sum[0] / sum[1]));
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
