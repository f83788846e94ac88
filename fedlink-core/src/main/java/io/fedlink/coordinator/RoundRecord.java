package io.fedlink.coordinator;

import io.fedlink.strategy.Evaluation;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What happened in one training round.
 *
 * @param round           the round number, from 1
 * @param status          whether the round updated the global model
 * @param clientsAsked    how many clients were sent {@code fit_ins}
 * @param fitReplies      how many fit results were accepted into the average
 * @param evaluateAsked   how many clients were sent {@code evaluate_ins} (0 if the round failed or evaluation is off)
 * @param evaluateReplies how many evaluation results were accepted
 * @param failures        every client failure of the round, fit and evaluate
 * @param loss            the evaluation loss averaged with {@code num_examples} weights, or NaN if none
 * @param metrics         numeric evaluation metrics ({@code accuracy}, ...) averaged the same way, by name
 * @param fitMetrics      numeric fit metrics averaged the same way, by name
 * @param duration        wall time of the round
 * @param failureReason   why the round failed; empty if it completed
 * @param centralized     the new model's centralized evaluation on the coordinator (the strategy's
 *                        {@code evaluate}, Flower's {@code evaluate_fn}); {@link Evaluation#none()} if there is none
 */
public record RoundRecord(int round, RoundStatus status, int clientsAsked, int fitReplies, int evaluateAsked,
                          int evaluateReplies, List<FailureRecord> failures, double loss, Map<String, Double> metrics,
                          Map<String, Double> fitMetrics, Duration duration, String failureReason,
                          Evaluation centralized) {

    /** A record without centralized evaluation. */
    public RoundRecord(int round, RoundStatus status, int clientsAsked, int fitReplies, int evaluateAsked,
                       int evaluateReplies, List<FailureRecord> failures, double loss, Map<String, Double> metrics,
                       Map<String, Double> fitMetrics, Duration duration, String failureReason) {
        this(round, status, clientsAsked, fitReplies, evaluateAsked, evaluateReplies, failures, loss, metrics, fitMetrics,
                duration, failureReason, Evaluation.none());
    }

    public RoundRecord {
        Objects.requireNonNull(status, "status");
        failures = List.copyOf(failures);
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
        fitMetrics = Collections.unmodifiableMap(new TreeMap<>(fitMetrics));
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(failureReason, "failureReason");
        Objects.requireNonNull(centralized, "centralized");
    }

    /** Whether the round updated the global model. */
    public boolean completed() {
        return status == RoundStatus.COMPLETED;
    }

    /** Whether the round has an evaluation loss. */
    public boolean hasLoss() {
        return !Double.isNaN(loss);
    }

    /**
     * One readable line, as the round loop logs it:
     * {@code round 3/10: replies 4/4, failures 0, loss 0.412, accuracy 0.871, 1.2 s}.
     */
    public String describe(int totalRounds) {
        StringBuilder line = new StringBuilder("round ").append(round).append('/').append(totalRounds)
                .append(completed() ? ": " : " FAILED: ")
                .append("replies ").append(fitReplies).append('/').append(clientsAsked)
                .append(", failures ").append(failures.size());
        if (hasLoss()) {
            line.append(", loss ").append(format(loss));
        }
        metrics.forEach((name, value) -> line.append(", ").append(name).append(' ').append(format(value)));
        if (!Double.isNaN(centralized.loss())) {
            line.append(", centralized loss ").append(format(centralized.loss()));
        }
        centralized.metrics().forEach((name, value) -> line.append(", centralized ").append(name).append(' ')
                .append(format(value)));
        line.append(", ").append(String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9));
        if (!completed()) {
            line.append(": ").append(failureReason);
        }
        return line.toString();
    }

    private static String format(double value) {
        double magnitude = Math.abs(value);
        if (value == 0 || (magnitude >= 1e-3 && magnitude < 1e6)) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3e", value) : Double.toString(value);
    }
}
