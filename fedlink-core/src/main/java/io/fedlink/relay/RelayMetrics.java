package io.fedlink.relay;

import io.fedlink.proto.Scalar;
import io.fedlink.server.ClientFailure;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import io.fedlink.wire.Scalars;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a relay folds besides the model: its clients' metrics, averaged by {@code num_examples} as FedAvg averages
 * them, and two counts it adds to every reply so that failures behind a relay are not hidden upstream:
 * {@value #REPLIES} (client replies folded in) and {@value #FAILURES} (clients that failed). Both count leaf clients:
 * a client that is itself a relay contributes its own counts. A fedlink coordinator adds these counts up across its
 * clients instead of averaging them ({@link WeightedMetrics#COUNT_PREFIX}). Used on one thread (the fan-out's).
 */
public final class RelayMetrics {

    /** Client replies folded into the relay's answer (leaf clients, through nested relays). */
    public static final String REPLIES = WeightedMetrics.COUNT_PREFIX + "replies";
    /** Clients of the relay that failed (timed out, disconnected, answered non-OK, or sent an unusable reply). */
    public static final String FAILURES = WeightedMetrics.COUNT_PREFIX + "failures";
    /** The property {@code get_properties_ins} reports: how many clients are connected to the relay now. */
    public static final String CLIENTS = WeightedMetrics.COUNT_PREFIX + "clients";

    private final WeightedMetrics averages = new WeightedMetrics();
    private final Set<String> names = new HashSet<>();
    private final int maxNames;
    private long replies;
    private long failures;

    /** @param maxNames most distinct metric names the relay's reply may carry (the upstream coordinator's limit) */
    RelayMetrics(int maxNames) {
        this.maxNames = maxNames;
    }

    /**
     * Whether {@code metrics} fit within the names the relay's reply may carry, together with the names already
     * folded in; nothing is added.
     */
    boolean fits(Map<String, Scalar> metrics) {
        long added = metrics.keySet().stream().filter(name -> !names.contains(name)).count();
        return names.size() + added + 2 <= maxNames;
    }

    /** Folds in one accepted reply's metrics with its weight. */
    void add(Map<String, Scalar> metrics, long numExamples) {
        names.addAll(metrics.keySet());
        averages.add(metrics, numExamples);
        replies += count(metrics, REPLIES, 1);
        failures += count(metrics, FAILURES, 0);
    }

    /** Counts the failures of the round's clients. */
    void addFailures(List<ClientFailure> failed) {
        failures += failed.size();
    }

    long failures() {
        return failures;
    }

    /** The reply's metrics: the clients' averages and the relay's counts. */
    Map<String, Scalar> toScalars() {
        Map<String, Object> values = new TreeMap<>(averages.averages());
        values.put(REPLIES, replies);
        values.put(FAILURES, failures);
        return Scalars.of(values);
    }

    private static long count(Map<String, Scalar> metrics, String name, long otherwise) {
        Scalar value = metrics.get(name);
        Double number = value == null ? null : WeightedMetrics.numericValue(value);
        return number == null || number.isNaN() || number < 0 ? otherwise : Math.round(number);
    }
}
