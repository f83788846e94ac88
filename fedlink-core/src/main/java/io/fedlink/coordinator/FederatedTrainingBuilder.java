package io.fedlink.coordinator;

import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.aggregate.TensorLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Configures a {@link FederatedTraining}; every setter checks its value and names it when wrong. */
public final class FederatedTrainingBuilder {

    final ClientManager clientManager;
    Strategy strategy;
    Parameters initialModel;
    int rounds = 1;
    int maxInFlight = 64;
    Duration fitTimeout = Duration.ofMinutes(10);
    Duration evaluateTimeout = Duration.ofMinutes(10);
    int minFitResults = 1;
    double minFitFraction;
    RoundFailurePolicy failurePolicy = RoundFailurePolicy.CONTINUE;
    CheckpointStore checkpointStore;
    boolean disconnectWhenDone = true;
    final List<RoundListener> listeners = new ArrayList<>();

    FederatedTrainingBuilder(ClientManager clientManager) {
        this.clientManager = Objects.requireNonNull(clientManager, "clientManager");
    }

    /** What each round does (default: {@link FedAvg} with Flower's defaults). */
    public FederatedTrainingBuilder strategy(Strategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /**
     * The first round's model, ahead of the strategy's and of asking a client (default none).
     *
     * @throws io.fedlink.tensor.NpyFormatException naming the tensor if one is not a readable {@code .npy} array
     */
    public FederatedTrainingBuilder initialParameters(Parameters initialModel) {
        TensorLayout.of(Objects.requireNonNull(initialModel, "initialModel"));
        this.initialModel = initialModel;
        return this;
    }

    /** How many rounds to play (default 1). */
    public FederatedTrainingBuilder rounds(int rounds) {
        this.rounds = atLeast(1, rounds, "rounds");
        return this;
    }

    /** Most instructions outstanding at once in a fan-out (default 64). */
    public FederatedTrainingBuilder maxInFlight(int maxInFlight) {
        this.maxInFlight = atLeast(1, maxInFlight, "maxInFlight");
        return this;
    }

    /** How long each client has to answer {@code fit_ins} and {@code get_parameters_ins} (default 10 minutes). */
    public FederatedTrainingBuilder fitTimeout(Duration fitTimeout) {
        this.fitTimeout = positive(fitTimeout, "fitTimeout");
        return this;
    }

    /** How long each client has to answer {@code evaluate_ins} (default 10 minutes). */
    public FederatedTrainingBuilder evaluateTimeout(Duration evaluateTimeout) {
        this.evaluateTimeout = positive(evaluateTimeout, "evaluateTimeout");
        return this;
    }

    /** Fewest accepted fit results for a round to update the model (default 1). */
    public FederatedTrainingBuilder minFitResults(int minFitResults) {
        this.minFitResults = atLeast(1, minFitResults, "minFitResults");
        return this;
    }

    /** Fewest accepted fit results as a fraction of the clients asked, 0 to 1 (default 0); the stricter rule wins. */
    public FederatedTrainingBuilder minFitFraction(double minFitFraction) {
        if (!(minFitFraction >= 0 && minFitFraction <= 1)) {
            throw new IllegalArgumentException("minFitFraction must be between 0 and 1, was " + minFitFraction);
        }
        this.minFitFraction = minFitFraction;
        return this;
    }

    /** What to do after a failed round (default {@link RoundFailurePolicy#CONTINUE}). */
    public FederatedTrainingBuilder onRoundFailure(RoundFailurePolicy failurePolicy) {
        this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
        return this;
    }

    /** Where to save a checkpoint after every round and resume from (default none). */
    public FederatedTrainingBuilder checkpointStore(CheckpointStore checkpointStore) {
        this.checkpointStore = Objects.requireNonNull(checkpointStore, "checkpointStore");
        return this;
    }

    /** Whether every connected client is sent {@code reconnect_ins{seconds: 0}} when training ends (default true). */
    public FederatedTrainingBuilder disconnectClientsWhenDone(boolean disconnectWhenDone) {
        this.disconnectWhenDone = disconnectWhenDone;
        return this;
    }

    /** Adds a listener told of the training and of every round, in the order added. */
    public FederatedTrainingBuilder listener(RoundListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** The configured training. */
    public FederatedTraining build() {
        if (strategy == null) {
            strategy = new FedAvg();
        }
        return new FederatedTraining(this);
    }

    private static int atLeast(int min, int value, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}

