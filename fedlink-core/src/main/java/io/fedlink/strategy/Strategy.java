package io.fedlink.strategy;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import java.util.List;
import java.util.Optional;

/**
 * Decides what each training round does; the training loop only plays the rounds. This is Flower's
 * {@code Strategy} contract with one change: aggregation is not one call over a list of every reply but an
 * aggregator that folds each reply in as it arrives ({@link #fitAggregator}, {@link #evaluateAggregator}), so a
 * weighted-mean strategy holds about one model in memory whatever the number of clients.
 *
 * <p>Per round the loop calls, in order: {@link #configureFit}, sends each client its {@code fit_ins}, feeds every
 * accepted {@code fit_res} to one {@link FitAggregator} and asks it for the {@link FitAggregate}; then
 * {@link #evaluate} (centralized evaluation) on the new model, {@link #configureEvaluate}, the {@code evaluate_ins},
 * and an {@link EvaluateAggregator}. All calls come from the one thread that runs the training, never concurrently,
 * so a strategy may keep state across rounds (server-side momentum, Adam moments) without locking.
 *
 * <p>Implementations are beans in a Spring application ({@code fedlink.server.strategy.*} picks a built-in one; a
 * user bean replaces it) and plain objects without Spring.
 */
public interface Strategy {

    /**
     * The initial global model (Flower's {@code initialize_parameters}). Empty (the default) lets the training
     * loop take it from elsewhere: a configured model file, or else one randomly chosen client's
     * {@code get_parameters}, as Flower does. Called once, before round 1, and not when training resumes from a
     * checkpoint.
     */
    default Optional<Parameters> initializeParameters(ClientManager clientManager) {
        return Optional.empty();
    }

    /**
     * The clients of round {@code round}'s fit and the instruction each gets (Flower's {@code configure_fit}).
     * May block waiting for enough clients; every wait is bounded (a {@link io.fedlink.server.QuorumTimeoutException}
     * fails the round). Give every client the same {@link ServerMessage.FitIns} instance when they get the same
     * instruction: the loop then encodes it once.
     *
     * @param round      the round, from 1
     * @param parameters the current global model
     * @return the clients and their instructions; empty skips the round's fit (the round fails, the model stays)
     * @throws InterruptedException if the training thread is interrupted while waiting for clients
     */
    List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                              ClientManager clientManager) throws InterruptedException;

    /**
     * A new aggregator for round {@code round}'s fit results (Flower's {@code aggregate_fit}, streamed). The loop
     * closes it when the round ends, whatever happened.
     *
     * @param parameters the global model the round started from (the one sent in {@code fit_ins})
     */
    FitAggregator fitAggregator(int round, Parameters parameters);

    /**
     * The clients of round {@code round}'s federated evaluation and their instructions (Flower's
     * {@code configure_evaluate}); empty (for example with {@code fraction-evaluate: 0}) skips it.
     *
     * @param parameters the global model to evaluate (the round's new model)
     * @throws InterruptedException if the training thread is interrupted while waiting for clients
     */
    List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                        ClientManager clientManager)
            throws InterruptedException;

    /** A new aggregator for round {@code round}'s evaluation results (Flower's {@code aggregate_evaluate}). */
    EvaluateAggregator evaluateAggregator(int round);

    /**
     * Centralized evaluation of {@code parameters} on the coordinator (Flower's {@code evaluate} /
     * {@code evaluate_fn}); round 0 is the initial model. Empty (the default) when there is none.
     */
    default Optional<Evaluation> evaluate(int round, Parameters parameters) {
        return Optional.empty();
    }
}
