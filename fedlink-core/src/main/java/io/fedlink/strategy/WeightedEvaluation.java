package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import java.util.List;
import java.util.Optional;

/**
 * Averages a round's evaluation losses and numeric metrics weighted by {@code num_examples} (Flower's
 * {@code weighted_loss_avg}), as they arrive. A result with a negative {@code num_examples} is rejected; one with
 * 0 examples counts as answered but weighs nothing.
 */
public final class WeightedEvaluation implements EvaluateAggregator {

    /** Why a round's evaluation is not aggregated despite its results; empty to aggregate. */
    @FunctionalInterface
    public interface Rule {
        Optional<String> refuse(int accepted, List<ClientFailure> failures);
    }

    private final Rule rule;
    private final WeightedMetrics loss = new WeightedMetrics();
    private final WeightedMetrics metrics = new WeightedMetrics();
    private int accepted;

    /** An aggregator that always aggregates what arrived. */
    public WeightedEvaluation() {
        this((accepted, failures) -> Optional.empty());
    }

    public WeightedEvaluation(Rule rule) {
        this.rule = rule;
    }

    @Override
    public void add(ClientProxy client, ClientMessage.EvaluateRes result) {
        if (result.getNumExamples() < 0) {
            throw new ClientUpdateRejectedException(client.id(), "Evaluation from client " + client.id()
                    + " rejected: num_examples is " + result.getNumExamples());
        }
        loss.add("loss", result.getLoss(), result.getNumExamples());
        metrics.add(result.getMetricsMap(), result.getNumExamples());
        accepted++;
    }

    @Override
    public Evaluation result(List<ClientFailure> failures) {
        if (accepted == 0 || rule.refuse(accepted, failures).isPresent()) {
            return Evaluation.none();
        }
        return new Evaluation(loss.averages().getOrDefault("loss", Double.NaN), metrics.averages());
    }
}
