package io.fedlink.autoconfigure;

import io.fedlink.coordinator.ClientSelector;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.FileCheckpointStore;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientManager;
import java.util.List;

/**
 * Builds {@link FederatedTraining} loops configured from {@code fedlink.server.*}: the quorum, reply timeouts, the
 * training defaults, checkpoints, and every {@link RoundListener} bean (events, metrics, progress). Adjust the
 * returned builder further before {@code build()}.
 */
public class FederatedTrainingConfigurer {

    private final ClientManager clientManager;
    private final FedlinkServerProperties properties;
    private final List<RoundListener> listeners;

    public FederatedTrainingConfigurer(ClientManager clientManager, FedlinkServerProperties properties,
                                       List<RoundListener> listeners) {
        this.clientManager = clientManager;
        this.properties = properties;
        this.listeners = List.copyOf(listeners);
    }

    /** A builder for a training that starts from {@code initialModel} (or from the latest checkpoint, if any). */
    public FederatedTraining.Builder builder(Parameters initialModel) {
        FedlinkServerProperties.Training training = properties.getTraining();
        int minClients = properties.getQuorum().getMinClients();
        FederatedTraining.Builder builder = FederatedTraining.builder(clientManager, initialModel)
                .rounds(training.getRounds())
                .minClients(minClients)
                .clientSelector(ClientSelector.all(minClients, properties.getQuorum().getTimeout()))
                .maxInFlight(training.getMaxInFlight())
                .fitTimeout(properties.getReplyTimeout())
                .evaluateTimeout(properties.getReplyTimeout())
                .minFitResults(training.getMinFitResults())
                .minFitFraction(training.getMinFitFraction())
                .onRoundFailure(training.getOnRoundFailure());
        if (training.getCheckpointDirectory() != null) {
            builder.checkpointStore(new FileCheckpointStore(training.getCheckpointDirectory(), training.getCheckpointsKept()));
        }
        listeners.forEach(builder::listener);
        return builder;
    }
}
