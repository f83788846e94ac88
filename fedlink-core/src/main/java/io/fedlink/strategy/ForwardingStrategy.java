package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A strategy that passes every decision to the strategy it wraps; a wrapper overrides what it changes (the
 * differential-privacy wrappers and {@code io.fedlink.relay.RelayReplyCheck} override {@link #fitAggregator}).
 */
public abstract class ForwardingStrategy implements Strategy {

    /** The wrapped strategy. */
    protected final Strategy strategy;

    protected ForwardingStrategy(Strategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    @Override
    public Optional<Parameters> initializeParameters(ClientManager clientManager) {
        return strategy.initializeParameters(clientManager);
    }

    @Override
    public List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                                     ClientManager clientManager) throws InterruptedException {
        return strategy.configureFit(round, parameters, clientManager);
    }

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        return strategy.fitAggregator(round, parameters);
    }

    @Override
    public List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                               ClientManager clientManager)
            throws InterruptedException {
        return strategy.configureEvaluate(round, parameters, clientManager);
    }

    @Override
    public EvaluateAggregator evaluateAggregator(int round) {
        return strategy.evaluateAggregator(round);
    }

    @Override
    public Optional<Evaluation> evaluate(int round, Parameters parameters) {
        return strategy.evaluate(round, parameters);
    }
}
