package io.fedlink.strategy;

import io.fedlink.server.ClientFailure;
import java.util.List;
import java.util.Optional;

/**
 * FedAvg that tolerates failures up to a completion rate (Flower's {@code FaultTolerantFedAvg}): a round's fit
 * results are aggregated only if at least {@code min_completion_rate_fit} of the clients asked returned one, its
 * evaluation only if at least {@code min_completion_rate_evaluate} did; {@code accept_failures} does not apply.
 * Flower's defaults: rates 0.5, and every sampling minimum 1 ({@link #defaultOptions()}).
 */
public class FaultTolerantFedAvg extends FedAvg {

    private final double minCompletionRateFit;
    private final double minCompletionRateEvaluate;

    /** Flower's FaultTolerantFedAvg sampling defaults: every client, at least 1. */
    public static StrategyOptions.Builder defaultOptions() {
        return StrategyOptions.builder().minClients(1);
    }

    /** With Flower's completion rates, 0.5 and 0.5. */
    public FaultTolerantFedAvg(StrategyOptions options) {
        this(options, 0.5, 0.5);
    }

    /**
     * @throws IllegalArgumentException if a rate is outside [0, 1]
     */
    public FaultTolerantFedAvg(StrategyOptions options, double minCompletionRateFit, double minCompletionRateEvaluate) {
        super(options);
        this.minCompletionRateFit = rate(minCompletionRateFit, "minCompletionRateFit");
        this.minCompletionRateEvaluate = rate(minCompletionRateEvaluate, "minCompletionRateEvaluate");
    }

    @Override
    protected Optional<String> refuseRound(int accepted, List<ClientFailure> failures) {
        return refuse("fit", accepted, failures, minCompletionRateFit);
    }

    @Override
    protected Optional<String> refuseEvaluation(int accepted, List<ClientFailure> failures) {
        return refuse("evaluate", accepted, failures, minCompletionRateEvaluate);
    }

    private static Optional<String> refuse(String phase, int accepted, List<ClientFailure> failures, double minimum) {
        double completion = (double) accepted / (accepted + failures.size());
        if (completion < minimum) {
            return Optional.of(String.format(java.util.Locale.ROOT, "%d of %d clients completed the %s, a rate of %.3f,"
                    + " below min-completion-rate-%s %.3f", accepted, accepted + failures.size(), phase, completion,
                    phase, minimum));
        }
        return Optional.empty();
    }

    private static double rate(double value, String name) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "FaultTolerantFedAvg(min_completion_rate_fit=" + minCompletionRateFit + ", min_completion_rate_evaluate="
                + minCompletionRateEvaluate + ")";
    }
}
