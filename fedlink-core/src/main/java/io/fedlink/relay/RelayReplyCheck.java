package io.fedlink.relay;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.strategy.FitAggregate;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.ForwardingStrategy;
import io.fedlink.strategy.Strategy;
import java.util.List;
import java.util.Objects;

/**
 * The root's side of the composition rule: a strategy that cannot run through relays ({@link StrategyComposition},
 * for example FedMedian or Krum) rejects every {@code fit_res} that comes from a relay, saying why, instead of
 * silently computing a median of means. A relay's reply is known by the {@link RelayMetrics#REPLIES} count every relay
 * adds; a relay's own configuration is checked at its start-up, but only the root knows its strategy, and it knows
 * that a client is a relay once that client answers. Each rejected reply is that relay's failure in the round's
 * record (other clients' updates are unaffected); with only relays the round fails naming the strategy.
 *
 * <pre>{@code
 * Strategy strategy = RelayReplyCheck.guard(new FedMedian(options)); // FedAvg and the FedOpt family come back as they are
 * }</pre>
 */
public final class RelayReplyCheck extends ForwardingStrategy {

    private final StrategyComposition composition;

    private RelayReplyCheck(Strategy strategy, StrategyComposition composition) {
        super(strategy);
        this.composition = composition;
    }

    /**
     * {@code strategy} itself if it composes through relays or is not one of fedlink's built-ins (looked up by its
     * class's simple name, as {@link StrategyComposition#of} names them); otherwise {@code strategy} guarded.
     */
    public static Strategy guard(Strategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        return StrategyComposition.of(strategy.getClass().getSimpleName())
                .filter(entry -> !entry.exact())
                .<Strategy>map(entry -> new RelayReplyCheck(strategy, entry))
                .orElse(strategy);
    }

    @Override
    public FitAggregator fitAggregator(int round, Parameters parameters) {
        FitAggregator inner = strategy.fitAggregator(round, parameters);
        return new FitAggregator() {
            @Override
            public void add(ClientProxy client, ClientMessage.FitRes result) {
                if (result.getMetricsMap().containsKey(RelayMetrics.REPLIES)) {
                    throw new ClientUpdateRejectedException(client.id(), "client " + client.id() + " is a relay (its"
                            + " fit_res folds " + RelayMetrics.REPLIES + " client replies into one mean), and "
                            + composition.flowerName() + " cannot run through relays: " + composition.why() + "; use a"
                            + " weighted-mean strategy at the root (FedAvg, FedAvgM, FedProx, FedAdam, FedYogi,"
                            + " FedAdagrad: fedlink.server.strategy.name), or join these clients to the root directly");
                }
                inner.add(client, result);
            }

            @Override
            public FitAggregate result(List<ClientFailure> failures) {
                return inner.result(failures);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public String toString() {
        return strategy + " (rejects relays' replies: " + composition.flowerName() + " cannot run through relays)";
    }
}
