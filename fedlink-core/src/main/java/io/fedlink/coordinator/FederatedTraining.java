package io.fedlink.coordinator;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientUpdateRejectedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FedAvg round loop. For each round {@code r = 1..rounds}: select clients ({@link ClientSelector}), send them
 * {@code fit_ins} with the global model through a {@link FanOut}, fold each {@code fit_res} into a {@link FedAvg}
 * as it arrives, then, if enough fit results came back, replace the global model by the average and send
 * {@code evaluate_ins} with it to the round's clients that are still connected (loss and numeric metrics averaged
 * with {@code num_examples} weights). Each round ends as a {@link RoundRecord} in the {@link History}, a
 * checkpoint (if a {@link CheckpointStore} is set), a call to the {@link RoundListener}s and one log line:
 * {@code round 3/10: replies 4/4, failures 0, loss 0.412, accuracy 0.871, 1.2 s}.
 *
 * <p>A round with fewer accepted fit results than {@code max(minFitResults, ceil(minFitFraction * asked))}, or
 * whose clients could not be selected, fails: it is recorded, the global model is not changed, and training goes
 * on or stops per the {@link RoundFailurePolicy}. With a checkpoint store, {@link #run()} resumes after the latest
 * checkpoint, with its model and history.
 *
 * <p>What a round keeps is bounded whatever clients send: a reply with more than {@value #MAX_METRICS_PER_REPLY}
 * metrics or a metric name over {@value #MAX_METRIC_NAME_LENGTH} characters is rejected (a failure of that client),
 * and failure messages are cut to {@link FailureRecord#MAX_MESSAGE_LENGTH} characters.
 *
 * <pre>{@code
 * TrainingResult result = FederatedTraining.builder(clientManager, ParametersCodec.encode(initialWeights))
 *         .rounds(10).clientSelector(ClientSelector.all(3)).minFitResults(2)
 *         .fitTimeout(Duration.ofMinutes(2)).checkpointStore(new FileCheckpointStore(Path.of("checkpoints")))
 *         .build().run();
 * }</pre>
 *
 * No Spring dependency; one {@link #run()} at a time per instance.
 */
public final class FederatedTraining {

    private static final Logger log = LoggerFactory.getLogger(FederatedTraining.class);
    /** Most metrics one fit or evaluate reply may carry; a reply with more is rejected as a whole. */
    public static final int MAX_METRICS_PER_REPLY = 1024;
    /** Longest metric name a reply may carry; a reply with a longer one is rejected as a whole. */
    public static final int MAX_METRIC_NAME_LENGTH = 256;

    private final ClientManager clientManager;
    private final Parameters initialModel;
    private final int rounds;
    private final ClientSelector clientSelector;
    private final FanOut fitFanOut;
    private final FanOut evaluateFanOut;
    private final int minFitResults;
    private final double minFitFraction;
    private final boolean evaluate;
    private final IntFunction<Map<String, Scalar>> fitConfig;
    private final IntFunction<Map<String, Scalar>> evaluateConfig;
    private final RoundFailurePolicy failurePolicy;
    private final CheckpointStore checkpointStore;
    private final List<RoundListener> listeners;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile History history = new History();
    private volatile Parameters globalModel;

    private FederatedTraining(Builder builder) {
        this.clientManager = builder.clientManager;
        this.initialModel = builder.initialModel;
        this.rounds = builder.rounds;
        this.clientSelector = builder.clientSelector != null ? builder.clientSelector : ClientSelector.all(builder.minClients);
        this.fitFanOut = new FanOut(builder.maxInFlight, builder.fitTimeout);
        this.evaluateFanOut = new FanOut(builder.maxInFlight, builder.evaluateTimeout);
        this.minFitResults = builder.minFitResults;
        this.minFitFraction = builder.minFitFraction;
        this.evaluate = builder.evaluate;
        this.fitConfig = builder.fitConfig;
        this.evaluateConfig = builder.evaluateConfig;
        this.failurePolicy = builder.failurePolicy;
        this.checkpointStore = builder.checkpointStore;
        this.listeners = List.copyOf(builder.listeners);
        this.globalModel = initialModel;
    }

    /**
     * A builder for training over the clients of {@code clientManager}, starting from {@code initialModel}
     * ({@code .npy} tensors, as {@link io.fedlink.tensor.ParametersCodec#encode} makes them).
     */
    public static Builder builder(ClientManager clientManager, Parameters initialModel) {
        return new Builder(clientManager, initialModel);
    }

    /**
     * Plays the rounds after the latest checkpoint (or from round 1) up to the configured number, blocking the
     * calling thread; each round is bounded by the quorum wait, {@code ceil(clients / maxInFlight)} fit timeouts
     * and as many evaluate timeouts.
     *
     * @return the final global model and the full history (restored rounds included)
     * @throws InterruptedException if the calling thread is interrupted; finished rounds stay checkpointed
     * @throws CheckpointException  if a checkpoint cannot be saved
     * @throws IllegalStateException if {@code run()} is already running on another thread
     */
    public TrainingResult run() throws InterruptedException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("this FederatedTraining is already running");
        }
        try {
            return runRounds();
        } finally {
            running.set(false);
        }
    }

    /** The history so far (live: grows as rounds finish); safe to read from any thread. */
    public History history() {
        return history;
    }

    /** The current global model; safe to read from any thread. */
    public Parameters globalModel() {
        return globalModel;
    }

    /** The configured number of rounds. */
    public int rounds() {
        return rounds;
    }

    private TrainingResult runRounds() throws InterruptedException {
        Parameters model = initialModel;
        History played = new History();
        int first = 1;
        Optional<Checkpoint> checkpoint = checkpointStore == null ? Optional.empty() : checkpointStore.loadLatest();
        if (checkpoint.isPresent()) {
            model = checkpoint.get().model();
            played = checkpoint.get().history();
            first = checkpoint.get().round() + 1;
            if (first > rounds) {
                log.info("Training is already complete: the checkpoint of round {} covers all {} rounds ({})",
                        checkpoint.get().round(), rounds, checkpointStore);
            } else {
                log.info("Resuming training at round {}/{} from the checkpoint of round {} ({})", first, rounds,
                        checkpoint.get().round(), checkpointStore);
            }
        }
        history = played;
        globalModel = model;
        for (int round = first; round <= rounds; round++) {
            RoundOutcome outcome = playRound(round, model);
            played.add(outcome.record());
            if (outcome.record().completed()) {
                model = outcome.model();
                globalModel = model;
            }
            if (checkpointStore != null) {
                checkpointStore.save(new Checkpoint(round, model, played));
            }
            RoundRecord record = outcome.record();
            for (FailureRecord failure : record.failures()) {
                log.warn("round {}/{}: client {} failed to {}: {}: {}", round, rounds, failure.clientId(),
                        failure.phase().name().toLowerCase(java.util.Locale.ROOT), failure.error(), failure.message());
            }
            if (record.completed()) {
                log.info(record.describe(rounds));
                notifyListeners(listener -> listener.roundCompleted(record));
            } else {
                log.warn(record.describe(rounds));
                notifyListeners(listener -> listener.roundFailed(record));
                if (failurePolicy == RoundFailurePolicy.STOP) {
                    log.warn("Stopping training after failed round {} (round failure policy STOP)", round);
                    break;
                }
            }
        }
        return new TrainingResult(model, played);
    }

    private record RoundOutcome(RoundRecord record, Parameters model) {
    }

    private RoundOutcome playRound(int round, Parameters model) throws InterruptedException {
        long started = System.nanoTime();
        List<ClientProxy> clients;
        try {
            clients = List.copyOf(clientSelector.select(clientManager, round));
        } catch (FedlinkException e) {
            return failed(round, 0, 0, List.of(), Map.of(), started, "no clients selected: " + e.getMessage());
        }
        List<ClientProxy> asked = clients;
        notifyListeners(listener -> listener.roundStarted(round, asked));
        if (clients.isEmpty()) {
            return failed(round, 0, 0, List.of(), Map.of(), started, "the client selector chose no clients");
        }

        FedAvg fedAvg = new FedAvg(model);
        WeightedMetrics fitMetrics = new WeightedMetrics();
        ServerMessage fitIns = ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                .setParameters(model).putAllConfig(fitConfig.apply(round))).build();
        FanOutSummary fit = fitFanOut.stream(clients, fitIns, (client, reply) -> {
            ClientMessage.FitRes fitRes = reply.getFitRes();
            requireBoundedMetrics(client.id(), "fit_res", fitRes.getMetricsMap());
            fedAvg.add(client.id(), fitRes);
            fitMetrics.add(fitRes.getMetricsMap(), fitRes.getNumExamples());
        });
        List<FailureRecord> failures = new ArrayList<>();
        fit.failures().forEach(failure -> failures.add(FailureRecord.of(FailureRecord.Phase.FIT, failure)));

        int required = Math.max(minFitResults, (int) Math.ceil(minFitFraction * clients.size()));
        int accepted = fit.answered().size();
        if (accepted < required) {
            return failed(round, clients.size(), accepted, failures, fitMetrics.averages(), started,
                    accepted + " of " + clients.size() + " clients returned a usable fit result, fewer than the " + required
                            + " required (minFitResults=" + minFitResults + ", minFitFraction=" + minFitFraction
                            + "); the global model is unchanged" + summarize(failures));
        }
        Parameters updated = fedAvg.result();

        int evaluateAsked = 0;
        int evaluateReplies = 0;
        WeightedMetrics evaluation = new WeightedMetrics();
        WeightedMetrics loss = new WeightedMetrics();
        if (evaluate) {
            List<ClientProxy> evaluators = clients.stream().filter(ClientProxy::isConnected).toList();
            ServerMessage evaluateIns = ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.newBuilder()
                    .setParameters(updated).putAllConfig(evaluateConfig.apply(round))).build();
            FanOutSummary evaluated = evaluateFanOut.stream(evaluators, evaluateIns, (client, reply) -> {
                ClientMessage.EvaluateRes res = reply.getEvaluateRes();
                requireBoundedMetrics(client.id(), "evaluate_res", res.getMetricsMap());
                if (res.getNumExamples() < 0) {
                    throw new ClientUpdateRejectedException(client.id(), "Evaluation from client " + client.id()
                            + " rejected: num_examples is " + res.getNumExamples());
                }
                loss.add("loss", res.getLoss(), res.getNumExamples());
                evaluation.add(res.getMetricsMap(), res.getNumExamples());
            });
            evaluated.failures().forEach(failure -> failures.add(FailureRecord.of(FailureRecord.Phase.EVALUATE, failure)));
            evaluateAsked = evaluators.size();
            evaluateReplies = evaluated.answered().size();
        }
        RoundRecord record = new RoundRecord(round, RoundStatus.COMPLETED, clients.size(), accepted, evaluateAsked,
                evaluateReplies, failures, loss.averages().getOrDefault("loss", Double.NaN), evaluation.averages(),
                fitMetrics.averages(), elapsed(started), "");
        return new RoundOutcome(record, updated);
    }

    /**
     * Refuses a reply with more than {@value #MAX_METRICS_PER_REPLY} metrics or a name over
     * {@value #MAX_METRIC_NAME_LENGTH} characters: averaged metrics are kept by name in every round record.
     */
    private static void requireBoundedMetrics(String clientId, String reply, Map<String, Scalar> metrics) {
        if (metrics.size() > MAX_METRICS_PER_REPLY) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: its " + reply
                    + " carries " + metrics.size() + " metrics, more than the " + MAX_METRICS_PER_REPLY
                    + " a reply may carry (each one is kept in every round record)");
        }
        for (String name : metrics.keySet()) {
            if (name.length() > MAX_METRIC_NAME_LENGTH) {
                throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: its "
                        + reply + " carries a metric name of " + name.length() + " characters, longer than the "
                        + MAX_METRIC_NAME_LENGTH + " allowed");
            }
        }
    }

    private RoundOutcome failed(int round, int asked, int fitReplies, List<FailureRecord> failures,
                                Map<String, Double> fitMetrics, long started, String reason) {
        RoundRecord record = new RoundRecord(round, RoundStatus.FAILED, asked, fitReplies, 0, 0, failures, Double.NaN,
                Map.of(), fitMetrics, elapsed(started), reason);
        return new RoundOutcome(record, null);
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

    private void notifyListeners(Consumer<RoundListener> event) {
        for (RoundListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                log.warn("Round listener {} failed; training goes on", listener, e);
            }
        }
    }

    /** Configures a {@link FederatedTraining}; every setter checks its value and names it when wrong. */
    public static final class Builder {

        private final ClientManager clientManager;
        private final Parameters initialModel;
        private int rounds = 1;
        private int minClients = 1;
        private ClientSelector clientSelector;
        private int maxInFlight = 64;
        private Duration fitTimeout = Duration.ofMinutes(10);
        private Duration evaluateTimeout = Duration.ofMinutes(10);
        private int minFitResults = 1;
        private double minFitFraction;
        private boolean evaluate = true;
        private IntFunction<Map<String, Scalar>> fitConfig = round -> Map.of();
        private IntFunction<Map<String, Scalar>> evaluateConfig = round -> Map.of();
        private RoundFailurePolicy failurePolicy = RoundFailurePolicy.CONTINUE;
        private CheckpointStore checkpointStore;
        private final List<RoundListener> listeners = new ArrayList<>();

        private Builder(ClientManager clientManager, Parameters initialModel) {
            this.clientManager = Objects.requireNonNull(clientManager, "clientManager");
            this.initialModel = Objects.requireNonNull(initialModel, "initialModel");
            new FedAvg(initialModel); // fails now, with a clear message, if the model is not .npy tensors
        }

        /** How many rounds to play (default 1). */
        public Builder rounds(int rounds) {
            this.rounds = atLeast(1, rounds, "rounds");
            return this;
        }

        /**
         * With the default client selector, how many clients must be connected before a round starts (default 1);
         * the wait is bounded by the client manager's quorum timeout. Every connected client takes part.
         */
        public Builder minClients(int minClients) {
            this.minClients = atLeast(1, minClients, "minClients");
            return this;
        }

        /** How each round chooses its clients; replaces the {@link #minClients} rule. */
        public Builder clientSelector(ClientSelector clientSelector) {
            this.clientSelector = Objects.requireNonNull(clientSelector, "clientSelector");
            return this;
        }

        /** Most instructions outstanding at once in a fan-out (default 64). */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = atLeast(1, maxInFlight, "maxInFlight");
            return this;
        }

        /** How long each client has to answer {@code fit_ins} (default 10 minutes). */
        public Builder fitTimeout(Duration fitTimeout) {
            this.fitTimeout = positive(fitTimeout, "fitTimeout");
            return this;
        }

        /** How long each client has to answer {@code evaluate_ins} (default 10 minutes). */
        public Builder evaluateTimeout(Duration evaluateTimeout) {
            this.evaluateTimeout = positive(evaluateTimeout, "evaluateTimeout");
            return this;
        }

        /** Fewest accepted fit results for a round to update the model (default 1). */
        public Builder minFitResults(int minFitResults) {
            this.minFitResults = atLeast(1, minFitResults, "minFitResults");
            return this;
        }

        /** Fewest accepted fit results as a fraction of the clients asked, 0 to 1 (default 0); the stricter rule wins. */
        public Builder minFitFraction(double minFitFraction) {
            if (!(minFitFraction >= 0 && minFitFraction <= 1)) {
                throw new IllegalArgumentException("minFitFraction must be between 0 and 1, was " + minFitFraction);
            }
            this.minFitFraction = minFitFraction;
            return this;
        }

        /** Whether to evaluate the new model after each completed round (default true). */
        public Builder evaluate(boolean evaluate) {
            this.evaluate = evaluate;
            return this;
        }

        /** The {@code config} of each round's {@code fit_ins} (Flower's {@code on_fit_config_fn}); default empty. */
        public Builder fitConfig(IntFunction<Map<String, Scalar>> fitConfig) {
            this.fitConfig = Objects.requireNonNull(fitConfig, "fitConfig");
            return this;
        }

        /** The {@code config} of each round's {@code evaluate_ins}; default empty. */
        public Builder evaluateConfig(IntFunction<Map<String, Scalar>> evaluateConfig) {
            this.evaluateConfig = Objects.requireNonNull(evaluateConfig, "evaluateConfig");
            return this;
        }

        /** What to do after a failed round (default {@link RoundFailurePolicy#CONTINUE}). */
        public Builder onRoundFailure(RoundFailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
            return this;
        }

        /** Where to save a checkpoint after every round and resume from (default none). */
        public Builder checkpointStore(CheckpointStore checkpointStore) {
            this.checkpointStore = Objects.requireNonNull(checkpointStore, "checkpointStore");
            return this;
        }

        /** Adds a listener told of every round, in the order added. */
        public Builder listener(RoundListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The configured training. */
        public FederatedTraining build() {
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
}
