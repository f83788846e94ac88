package io.fedlink.coordinator;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.ClientInstruction;
import io.fedlink.strategy.EvaluateAggregator;
import io.fedlink.strategy.Evaluation;
import io.fedlink.strategy.FitAggregate;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one round the way the {@link Strategy} decides: its fit clients and instructions, a fan-out whose replies
 * are fed one at a time to the round's {@link FitAggregator} (closed when the round ends, whatever happens), the
 * centralized evaluation of the new model, then the federated evaluation. Knows no mathematics. The round's clock
 * starts once its clients are selected: the wait for a quorum is logged apart, not counted in the round's duration.
 */
final class RoundPlayer {

    private static final Logger log = LoggerFactory.getLogger(RoundPlayer.class);
    /** Selection waits shorter than this are not worth a log line. */
    private static final Duration NOTABLE_WAIT = Duration.ofSeconds(1);

    /** A round's record and, if it completed, its new model. */
    record Outcome(RoundRecord record, Parameters model) {
    }

    /** Tells the listeners a round started. */
    @FunctionalInterface
    interface StartNotifier {
        void roundStarted(int round, List<ClientProxy> clients);
    }

    private final ClientManager clientManager;
    private final Strategy strategy;
    private final FanOut fitFanOut;
    private final FanOut evaluateFanOut;
    private final int minFitResults;
    private final double minFitFraction;
    private final int totalRounds;
    private final StartNotifier notifier;

    RoundPlayer(ClientManager clientManager, Strategy strategy, FanOut fitFanOut, FanOut evaluateFanOut,
                int minFitResults, double minFitFraction, int totalRounds, StartNotifier notifier) {
        this.clientManager = clientManager;
        this.strategy = strategy;
        this.fitFanOut = fitFanOut;
        this.evaluateFanOut = evaluateFanOut;
        this.minFitResults = minFitResults;
        this.minFitFraction = minFitFraction;
        this.totalRounds = totalRounds;
        this.notifier = notifier;
    }

    /**
     * Plays round {@code round} from {@code model}.
     *
     * @throws InterruptedException if the thread is interrupted: the round is abandoned, nothing of it is kept
     */
    Outcome play(int round, Parameters model) throws InterruptedException {
        try {
            return playRound(round, model);
        } catch (InterruptedException e) {
            InterruptedException cut = new InterruptedException("Round " + round + "/" + totalRounds + " was cut short"
                    + " (training stopped or interrupted); nothing of it is kept, the next run plays it again");
            cut.initCause(e);
            throw cut;
        }
    }

    private Outcome playRound(int round, Parameters model) throws InterruptedException {
        long selecting = System.nanoTime();
        List<ClientInstruction<ServerMessage.FitIns>> fit;
        try {
            fit = strategy.configureFit(round, model, clientManager);
        } catch (FedlinkException e) {
            throwIfInterrupted(e);
            return failed(round, 0, 0, List.of(), Map.of(), selecting, "no clients selected: " + e.getMessage());
        }
        long started = System.nanoTime();
        Duration waited = Duration.ofNanos(started - selecting);
        if (waited.compareTo(NOTABLE_WAIT) >= 0) {
            log.info("round {}/{}: waited {} for its clients (not counted in the round's time)", round, totalRounds,
                    seconds(waited));
        }
        Map<ClientProxy, ServerMessage> instructions = messages(fit, ins -> ServerMessage.newBuilder().setFitIns(ins).build());
        List<ClientProxy> clients = List.copyOf(instructions.keySet());
        notifier.roundStarted(round, clients);
        if (clients.isEmpty()) {
            return failed(round, 0, 0, List.of(), Map.of(), started, "the strategy selected no clients for the round's fit");
        }

        List<FailureRecord> failures = new ArrayList<>();
        FitAggregate aggregate;
        int accepted;
        try (FitAggregator aggregator = strategy.fitAggregator(round, model)) {
            FanOutSummary summary = fitFanOut.stream(clients, instructions::get, (client, reply) -> {
                ClientMessage.FitRes result = reply.getFitRes();
                ReplyLimits.requireBoundedMetrics(client.id(), "fit_res", result.getMetricsMap());
                aggregator.add(client, result);
            });
            summary.failures().forEach(failure -> failures.add(FailureRecord.of(FailureRecord.Phase.FIT, failure)));
            accepted = summary.answered().size();
            int required = Math.max(minFitResults, (int) Math.ceil(minFitFraction * clients.size()));
            if (accepted < required) {
                return failed(round, clients.size(), accepted, failures, Map.of(), started, accepted + " of "
                        + clients.size() + " clients returned a usable fit result, fewer than the " + required
                        + " required (minFitResults=" + minFitResults + ", minFitFraction=" + minFitFraction
                        + "); the global model is unchanged" + summarize(failures));
            }
            aggregate = aggregator.result(summary.failures());
        }
        if (aggregate.parameters().isEmpty()) {
            return failed(round, clients.size(), accepted, failures, aggregate.metrics(), started,
                    aggregate.failureReason() + "; the global model is unchanged" + summarize(failures));
        }
        Parameters updated = aggregate.parameters().get();
        Evaluation centralized = evaluateCentrally(round, updated);
        Evaluated federated = evaluateFederated(round, updated, failures);
        RoundRecord record = new RoundRecord(round, RoundStatus.COMPLETED, clients.size(), accepted, federated.asked(),
                federated.answered(), failures, federated.evaluation().loss(), federated.evaluation().metrics(),
                aggregate.metrics(), elapsed(started), "", centralized);
        return new Outcome(record, updated);
    }

    /** The strategy's centralized evaluation; a failing one is logged and leaves none. */
    private Evaluation evaluateCentrally(int round, Parameters model) {
        try {
            return strategy.evaluate(round, model).orElse(Evaluation.none());
        } catch (RuntimeException e) {
            log.warn("round {}/{}: centralized evaluation failed; the round has none", round, totalRounds, e);
            return Evaluation.none();
        }
    }

    private record Evaluated(int asked, int answered, Evaluation evaluation) {
    }

    private Evaluated evaluateFederated(int round, Parameters model, List<FailureRecord> failures)
            throws InterruptedException {
        List<ClientInstruction<ServerMessage.EvaluateIns>> evaluate;
        try {
            evaluate = strategy.configureEvaluate(round, model, clientManager);
        } catch (FedlinkException e) {
            throwIfInterrupted(e);
            log.warn("round {}/{}: no federated evaluation: {}", round, totalRounds, e.getMessage());
            return new Evaluated(0, 0, Evaluation.none());
        }
        Map<ClientProxy, ServerMessage> instructions = messages(evaluate,
                ins -> ServerMessage.newBuilder().setEvaluateIns(ins).build());
        if (instructions.isEmpty()) {
            return new Evaluated(0, 0, Evaluation.none());
        }
        List<ClientProxy> clients = List.copyOf(instructions.keySet());
        try (EvaluateAggregator aggregator = strategy.evaluateAggregator(round)) {
            FanOutSummary summary = evaluateFanOut.stream(clients, instructions::get, (client, reply) -> {
                ClientMessage.EvaluateRes result = reply.getEvaluateRes();
                ReplyLimits.requireBoundedMetrics(client.id(), "evaluate_res", result.getMetricsMap());
                aggregator.add(client, result);
            });
            summary.failures().forEach(failure -> failures.add(FailureRecord.of(FailureRecord.Phase.EVALUATE, failure)));
            return new Evaluated(clients.size(), summary.answered().size(), aggregator.result(summary.failures()));
        }
    }

    /**
     * Each client's message, in the strategy's order. Clients given the same instruction instance share one message,
     * so it is built once; a client listed twice keeps its first instruction.
     */
    private static <T> Map<ClientProxy, ServerMessage> messages(List<ClientInstruction<T>> instructions,
                                                               Function<T, ServerMessage> wrap) {
        Map<T, ServerMessage> built = new IdentityHashMap<>();
        Map<ClientProxy, ServerMessage> messages = new LinkedHashMap<>();
        for (ClientInstruction<T> instruction : instructions) {
            if (messages.containsKey(instruction.client())) {
                log.warn("The strategy listed client {} twice in one round; it gets its first instruction only",
                        instruction.client().id());
                continue;
            }
            messages.put(instruction.client(), built.computeIfAbsent(instruction.instruction(), wrap));
        }
        return messages;
    }

    private Outcome failed(int round, int asked, int fitReplies, List<FailureRecord> failures,
                           Map<String, Double> fitMetrics, long started, String reason) {
        RoundRecord record = new RoundRecord(round, RoundStatus.FAILED, asked, fitReplies, 0, 0, failures, Double.NaN,
                Map.of(), fitMetrics, elapsed(started), reason);
        return new Outcome(record, null);
    }

    /** A strategy's wait that failed because the thread was interrupted ends the round as interrupted. */
    private static void throwIfInterrupted(FedlinkException e) throws InterruptedException {
        if (Thread.interrupted()) {
            InterruptedException interrupted = new InterruptedException("Interrupted while selecting clients");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private static String summarize(List<FailureRecord> failures) {
        if (failures.isEmpty()) {
            return "";
        }
        String shown = failures.stream().limit(3)
                .map(f -> f.message().contains(f.clientId()) ? f.message() : "client " + f.clientId() + ": " + f.message())
                .collect(Collectors.joining("; "));
        return "; failures: " + shown + (failures.size() > 3 ? "; and " + (failures.size() - 3) + " more" : "");
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
    }
}
