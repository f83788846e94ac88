package io.fedlink.autoconfigure;

import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.FederatedTrainingBuilder;
import io.fedlink.coordinator.FileCheckpointStore;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.proto.Parameters;
import io.fedlink.relay.RelayReplyCheck;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.InitialParameters;
import io.fedlink.strategy.Strategy;
import java.util.List;

/**
 * Builds {@link FederatedTraining} loops configured from {@code fedlink.server.*}: the {@link Strategy} bean (one that
 * cannot run through relays guarded by {@link RelayReplyCheck}), the reply timeouts, the training defaults,
 * checkpoints, and every {@link RoundListener} bean (events, metrics, progress, the registry shutdown stops). Adjust the returned builder further before {@code build()}.
 */
public class FederatedTrainingConfigurer {

    private final ClientManager clientManager;
    private final Strategy strategy;
    private final FedlinkServerProperties properties;
    private final List<RoundListener> listeners;
    private final InitialParameters initialParameters;

    /**
     * @param initialParameters the first round's model of every training built here, or {@code null} to take the
     *                          strategy's or ask a client
     */
    public FederatedTrainingConfigurer(ClientManager clientManager, Strategy strategy, FedlinkServerProperties properties,
                                       List<RoundListener> listeners, InitialParameters initialParameters) {
        this.clientManager = clientManager;
        this.strategy = strategy;
        this.properties = properties;
        this.listeners = List.copyOf(listeners);
        this.initialParameters = initialParameters;
    }

    /**
     * A builder for a training with the strategy bean, starting from the latest checkpoint if any, else from the
     * {@code InitialParameters} bean or {@code fedlink.server.training.initial-model}, else from the strategy's
     * initial parameters, else from one random client's {@code get_parameters}.
     */
    public FederatedTrainingBuilder builder() {
        FedlinkServerProperties.Training training = properties.getTraining();
        FederatedTrainingBuilder builder = FederatedTraining.builder(clientManager)
                .strategy(RelayReplyCheck.guard(strategy)) // FedMedian, Krum, ...: a relay's reply is refused, saying why
                .rounds(training.getRounds())
                .maxInFlight(training.getMaxInFlight())
                .fitTimeout(properties.getReplyTimeout())
                .evaluateTimeout(properties.getReplyTimeout())
                .minFitResults(training.getMinFitResults())
                .minFitFraction(training.getMinFitFraction())
                .onRoundFailure(training.getOnRoundFailure())
                .disconnectClientsWhenDone(training.isDisconnectClientsWhenDone());
        if (initialParameters != null) {
            builder.initialParameters(initialParameters.get());
        }
        if (training.getCheckpointDirectory() != null) {
            builder.checkpointStore(new FileCheckpointStore(training.getCheckpointDirectory(), training.getCheckpointsKept()));
        }
        listeners.forEach(builder::listener);
        return builder;
    }

    /** A builder for a training that starts from {@code initialModel} (or from the latest checkpoint, if any). */
    public FederatedTrainingBuilder builder(Parameters initialModel) {
        return builder().initialParameters(initialModel);
    }
}
