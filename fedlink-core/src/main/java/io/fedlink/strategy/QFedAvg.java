package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.aggregate.FairAggregate;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import java.util.List;
import java.util.Optional;

/**
 * q-Fair federated learning (Flower's {@code QFedAvg}, Li et al. 2020): with {@code L} the centralized loss of the
 * round's starting model {@code w}, {@code g_k = (w - w_k) / lr} each client's pseudo-gradient,
 * {@code Δ_k = L^q g_k} and {@code h_k = q L^(q-1) ||g_k||² + L^q / lr}, the new model is
 * {@code w - Σ Δ_k / Σ h_k} ({@code lr} = {@code qffl_learning_rate}). Folded in as updates arrive: a model-sized sum
 * of {@code w - w_k} and one norm per client. Like Flower's, it takes {@code L} from centralized evaluation, which it
 * therefore requires. Flower's defaults: q = 0.2, lr = 0.1, every sampling minimum 1 ({@link #defaultOptions()}).
 */
public class QFedAvg extends FedAvg {

    private final double qParam;
    private final double learningRate;

    /** Flower's QFedAvg sampling defaults: every client, at least 1. */
    public static StrategyOptions.Builder defaultOptions() {
        return StrategyOptions.builder().minClients(1);
    }

    /** With Flower's defaults, q = 0.2 and learning rate 0.1. */
    public QFedAvg(StrategyOptions options) {
        this(options, 0.2, 0.1);
    }

    /**
     * @throws IllegalArgumentException if the options have no centralized evaluation, q is negative or the learning
     *                                  rate not positive
     */
    public QFedAvg(StrategyOptions options, double qParam, double qfflLearningRate) {
        super(options);
        if (options.evaluateFunction().isEmpty()) {
            throw new IllegalArgumentException("QFedAvg weighs each update by the centralized loss of the round's starting"
                    + " model, so it needs a centralized evaluation (Flower's evaluate_fn: an EvaluateFunction bean, or"
                    + " StrategyOptions.evaluateFunction)");
        }
        if (!(qParam >= 0) || !(qfflLearningRate > 0)) {
            throw new IllegalArgumentException("q must not be negative and the learning rate must be positive, were "
                    + qParam + " and " + qfflLearningRate);
        }
        this.qParam = qParam;
        this.learningRate = qfflLearningRate;
    }

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        return new FairAggregator(round, parameters);
    }

    @Override
    public String toString() {
        return "QFedAvg(q_param=" + qParam + ", qffl_learning_rate=" + learningRate + ")";
    }

    private final class FairAggregator implements FitAggregator {
        private final int round;
        private final Parameters current;
        private final FairAggregate aggregate;
        private final WeightedMetrics metrics = new WeightedMetrics();

        FairAggregator(int round, Parameters current) {
            this.round = round;
            this.current = current;
            this.aggregate = new FairAggregate(current, learningRate);
        }

        @Override
        public void add(ClientProxy client, ClientMessage.FitRes result) {
            aggregate.add(client.id(), result.getParameters());
            metrics.add(result.getMetricsMap(), result.getNumExamples());
        }

        @Override
        public FitAggregate result(List<ClientFailure> failures) {
            if (aggregate.updates() == 0) {
                return FitAggregate.rejected("no client returned a usable fit result", metrics.averages());
            }
            Optional<String> refused = refuseRound(aggregate.updates(), failures);
            if (refused.isPresent()) {
                return FitAggregate.rejected(refused.get(), metrics.averages());
            }
            Optional<Evaluation> evaluation = evaluate(round, current);
            if (evaluation.isEmpty() || Double.isNaN(evaluation.get().loss())) {
                return FitAggregate.rejected("QFedAvg needs the centralized loss of the round's starting model and the"
                        + " evaluate function gave none", metrics.averages());
            }
            return FitAggregate.of(aggregate.result(evaluation.get().loss(), qParam), metrics.averages());
        }
    }
}
