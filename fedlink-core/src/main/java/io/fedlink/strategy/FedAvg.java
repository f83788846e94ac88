package io.fedlink.strategy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.aggregate.WeightedMean;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.wire.Scalars;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Federated averaging (Flower's {@code FedAvg}, McMahan et al. 2017): each round samples
 * {@code max(int(available x fraction_fit), min_fit_clients)} of the connected clients once
 * {@code min_available_clients} are connected, sends them the global model, and replaces it by the mean of their
 * models weighted by {@code num_examples}, folded in as each reply arrives ({@link WeightedMean}: one model-sized
 * sum, whatever the number of clients). Evaluation samples the same way with {@code fraction_evaluate} (0 turns it
 * off) among the clients connected when the fit ends, without waiting for {@code min_available_clients} again, and
 * averages losses and metrics by {@code num_examples}. A round without results, or with failures when
 * {@code accept_failures} is false, makes no new model.
 *
 * <p>Unlike Flower, numeric fit and evaluation metrics are averaged by {@code num_examples} by default (Flower's
 * tutorials pass that {@code weighted_average} as its metrics aggregation functions). The relatives that also
 * average (FedAvgM, FedProx, the FedOpt family, QFedAvg, FaultTolerantFedAvg) extend this class.
 */
public class FedAvg implements Strategy {

    private static final Logger log = LoggerFactory.getLogger(FedAvg.class);

    /** The settings shared with Flower's {@code FedAvg}. */
    protected final StrategyOptions options;

    /** FedAvg with Flower's defaults. */
    public FedAvg() {
        this(StrategyOptions.defaults());
    }

    public FedAvg(StrategyOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        if (options.minFitClients() > options.minAvailableClients()
                || options.minEvaluateClients() > options.minAvailableClients()) {
            log.warn("min-available-clients ({}) is lower than min-fit-clients ({}) or min-evaluate-clients ({}): a round"
                    + " can start with fewer clients than it samples and then fail; set min-available-clients at least as"
                    + " high", options.minAvailableClients(), options.minFitClients(), options.minEvaluateClients());
        }
    }

    /** The settings shared with Flower's {@code FedAvg}. */
    public StrategyOptions options() {
        return options;
    }

    @Override
    public Optional<Parameters> initializeParameters(ClientManager clientManager) {
        return options.initialParameters();
    }

    @Override
    public List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                                     ClientManager clientManager) throws InterruptedException {
        ServerMessage.FitIns ins = ServerMessage.FitIns.newBuilder().setParameters(parameters)
                .putAllConfig(Scalars.of(fitConfig(round))).build();
        List<ClientProxy> clients = ClientSampling.sample(clientManager, "fit", options.fractionFit(),
                options.minFitClients(), options.minAvailableClients());
        return clients.stream().map(client -> new ClientInstruction<>(client, ins)).toList();
    }

    /** The config of round {@code round}'s {@code fit_ins}: the configured function's; subclasses may add to it. */
    protected Map<String, ?> fitConfig(int round) {
        return options.fitConfig(round);
    }

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        return new MeanAggregator(round, parameters);
    }

    /**
     * The new global model made of round {@code round}'s weighted mean; FedAvg's is the mean itself. Server-side
     * optimizers (FedAvgM, FedAdam, ...) override this to take a step from {@code current} towards it.
     *
     * @param current the global model the round started from
     * @param mean    the weighted mean of the round's accepted updates (at least one)
     */
    protected Parameters aggregate(int round, Parameters current, WeightedMean mean) {
        return mean.result();
    }

    /**
     * Why the round makes no new model despite {@code accepted} results, or empty: FedAvg's rule is
     * {@code accept_failures}. FaultTolerantFedAvg overrides it with its completion rate.
     */
    protected Optional<String> refuseRound(int accepted, List<ClientFailure> failures) {
        if (!options.acceptFailures() && !failures.isEmpty()) {
            return Optional.of(failures.size() + " of " + (accepted + failures.size()) + " clients failed and"
                    + " accept-failures is false, so the round's results are not aggregated");
        }
        return Optional.empty();
    }

    @Override
    public List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                               ClientManager clientManager)
            throws InterruptedException {
        if (options.fractionEvaluate() == 0.0) {
            return List.of();
        }
        ServerMessage.EvaluateIns ins = ServerMessage.EvaluateIns.newBuilder().setParameters(parameters)
                .putAllConfig(Scalars.of(options.evaluateConfig(round))).build();
        List<ClientProxy> clients = ClientSampling.sampleConnected(clientManager, "evaluate", options.fractionEvaluate(),
                options.minEvaluateClients());
        return clients.stream().map(client -> new ClientInstruction<>(client, ins)).toList();
    }

    @Override
    public EvaluateAggregator evaluateAggregator(int round) {
        return new WeightedEvaluation(this::refuseEvaluation);
    }

    /** Why the round's evaluation results are not aggregated, or empty: FedAvg's rule is {@code accept_failures}. */
    protected Optional<String> refuseEvaluation(int accepted, List<ClientFailure> failures) {
        return refuseRound(accepted, failures);
    }

    @Override
    public Optional<Evaluation> evaluate(int round, Parameters parameters) {
        return options.evaluateFunction().flatMap(function -> function.evaluate(round, ParametersCodec.decode(parameters)));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(accept_failures=" + options.acceptFailures() + ")";
    }

    /** Folds each update into a {@link WeightedMean} as it arrives; metrics are averaged by {@code num_examples}. */
    private final class MeanAggregator implements FitAggregator {
        private final int round;
        private final Parameters current;
        private final WeightedMean mean;
        private final WeightedMetrics metrics = new WeightedMetrics();

        MeanAggregator(int round, Parameters current) {
            this.round = round;
            this.current = current;
            this.mean = new WeightedMean(current);
        }

        @Override
        public void add(ClientProxy client, ClientMessage.FitRes result) {
            mean.add(client.id(), result.getParameters(), result.getNumExamples());
            metrics.add(result.getMetricsMap(), result.getNumExamples());
        }

        @Override
        public FitAggregate result(List<ClientFailure> failures) {
            if (mean.updates() == 0) {
                return FitAggregate.rejected("no client returned a usable fit result", metrics.averages());
            }
            Optional<String> refused = refuseRound(mean.updates(), failures);
            if (refused.isPresent()) {
                return FitAggregate.rejected(refused.get(), metrics.averages());
            }
            return FitAggregate.of(aggregate(round, current, mean), metrics.averages());
        }
    }
}
