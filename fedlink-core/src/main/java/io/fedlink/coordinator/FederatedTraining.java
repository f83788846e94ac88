package io.fedlink.coordinator;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.Evaluation;
import io.fedlink.strategy.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop, in Flower's division of labour: it plays rounds, a {@link Strategy} decides what each round
 * does (which clients, which instruction, how replies become the new model). For each round {@code r = 1..rounds}
 * a {@link RoundPlayer} asks the strategy for the round's clients and {@code fit_ins}, sends them through a
 * {@link FanOut}, feeds each {@code fit_res} to the strategy's aggregator as it arrives, evaluates the new model
 * centrally and on clients; then the round ends as a {@link RoundRecord} in the {@link History}, a checkpoint (if a
 * {@link CheckpointStore} is set), a call to the {@link RoundListener}s and one log line:
 * {@code round 3/10: replies 4/4, failures 0, loss 0.412, accuracy 0.871, 1.2 s}.
 *
 * <p>The first round starts from the model given to the builder, else the strategy's initial parameters, else one
 * random client's {@code get_parameters} (Flower's order); with a checkpoint store, {@link #run()} resumes after the
 * latest checkpoint instead, with its model and history. A round with fewer accepted fit results than
 * {@code max(minFitResults, ceil(minFitFraction * asked))}, or whose strategy makes no new model, fails: it is
 * recorded, the model is kept, and training goes on or stops per the {@link RoundFailurePolicy}. When every round
 * is played, each connected client is sent {@code reconnect_ins{seconds: 0}} (Flower's end of training) unless
 * switched off.
 *
 * <p>A round cut short, by {@link #stop()} (the coordinator shutting down) or by an interrupt of the training
 * thread, is not a failed round: nothing of it is recorded or checkpointed, {@link #run()} ends with
 * {@link InterruptedException}, and a later run resumes with that round. What a round keeps of a reply is bounded:
 * more than {@value #MAX_METRICS_PER_REPLY} metrics or a metric name over {@value #MAX_METRIC_NAME_LENGTH}
 * characters rejects the reply (a failure of that client), and failure messages are cut to
 * {@link FailureRecord#MAX_MESSAGE_LENGTH} characters.
 *
 * <pre>{@code
 * TrainingResult result = FederatedTraining.builder(clientManager)
 *         .strategy(new FedAdam(StrategyOptions.defaults(), FedOptSettings.fedAdam()))
 *         .rounds(10).fitTimeout(Duration.ofMinutes(2))
 *         .checkpointStore(new FileCheckpointStore(Path.of("checkpoints")))
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
    /** How long each client has to acknowledge the end of training. */
    private static final Duration DISCONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ClientManager clientManager;
    private final Strategy strategy;
    private final Parameters initialModel;
    private final int rounds;
    private final Duration fitTimeout;
    private final int maxInFlight;
    private final RoundPlayer player;
    private final RoundFailurePolicy failurePolicy;
    private final CheckpointStore checkpointStore;
    private final boolean disconnectWhenDone;
    private final List<RoundListener> listeners;
    private final RunControl control = new RunControl();
    private volatile History history = new History();
    private volatile Parameters globalModel;

    FederatedTraining(FederatedTrainingBuilder builder) {
        this.clientManager = builder.clientManager;
        this.strategy = builder.strategy;
        this.initialModel = builder.initialModel;
        this.rounds = builder.rounds;
        this.fitTimeout = builder.fitTimeout;
        this.maxInFlight = builder.maxInFlight;
        this.failurePolicy = builder.failurePolicy;
        this.checkpointStore = builder.checkpointStore;
        this.disconnectWhenDone = builder.disconnectWhenDone;
        this.listeners = List.copyOf(builder.listeners);
        this.player = new RoundPlayer(clientManager, strategy, new FanOut(maxInFlight, builder.fitTimeout),
                new FanOut(maxInFlight, builder.evaluateTimeout), builder.minFitResults, builder.minFitFraction, rounds,
                (round, clients) -> notifyListeners(listener -> listener.roundStarted(round, clients)));
        this.globalModel = initialModel;
    }

    /** A builder for training over the clients of {@code clientManager}; see {@link Builder}. */
    public static FederatedTrainingBuilder builder(ClientManager clientManager) {
        return new FederatedTrainingBuilder(clientManager);
    }

    /**
     * A builder for training that starts from {@code initialModel} ({@code .npy} tensors, as
     * {@link io.fedlink.tensor.ParametersCodec#encode} makes them).
     *
     * @throws io.fedlink.tensor.NpyFormatException if a tensor of the model is not a readable {@code .npy} array
     */
    public static FederatedTrainingBuilder builder(ClientManager clientManager, Parameters initialModel) {
        return new FederatedTrainingBuilder(clientManager).initialParameters(initialModel);
    }

    /**
     * Plays the rounds after the latest checkpoint (or from round 1) up to the configured number, blocking the
     * calling thread; each round is bounded by the quorum wait, {@code ceil(clients / maxInFlight)} fit timeouts and
     * as many evaluate timeouts.
     *
     * @return the final global model and the full history (restored rounds included)
     * @throws InterruptedException if the thread is interrupted or {@link #stop()} is called: the round in progress
     *                              is abandoned (played again by the next run); finished rounds stay checkpointed
     * @throws CheckpointException  if a checkpoint cannot be saved
     * @throws io.fedlink.FedlinkException if there is no initial model and no client could be asked for one
     * @throws IllegalStateException if {@code run()} is already running on another thread
     */
    public TrainingResult run() throws InterruptedException {
        control.begin();
        notifyListeners(listener -> listener.trainingStarted(this));
        try {
            return runRounds();
        } finally {
            control.end();
            notifyListeners(listener -> listener.trainingEnded(this));
        }
    }

    /**
     * Asks a running {@link #run()} to stop and waits up to {@code timeout} for it to end. The round in progress is
     * abandoned (its outstanding instructions' replies are discarded); a round whose checkpoint is being saved is
     * saved first. Asked while no run is going on (a run about to start on another thread, say), it ends the next
     * {@code run()} at once with {@link InterruptedException}.
     *
     * @return whether no run is going on any more
     */
    public boolean stop(Duration timeout) {
        control.requestStop();
        return control.awaitEnd(timeout);
    }

    /** Asks a running {@link #run()} to stop, without waiting; see {@link #stop(Duration)}. */
    public void requestStop() {
        control.requestStop();
    }

    /** The history so far (live: grows as rounds finish); safe to read from any thread. */
    public History history() {
        return history;
    }

    /** The current global model, {@code null} until known; safe to read from any thread. */
    public Parameters globalModel() {
        return globalModel;
    }

    /** The configured number of rounds. */
    public int rounds() {
        return rounds;
    }

    /** The strategy that decides each round. */
    public Strategy strategy() {
        return strategy;
    }

    private TrainingResult runRounds() throws InterruptedException {
        long started = System.nanoTime();
        History played = new History();
        int first = 1;
        Parameters model;
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
        } else {
            model = InitialModel.resolve(initialModel, strategy, clientManager, fitTimeout);
            evaluateInitialModel(model);
        }
        history = played;
        globalModel = model;
        log.info("Training with {}: rounds {} to {}", strategy, first, rounds);
        for (int round = first; round <= rounds; round++) {
            control.checkNotStopped("before round " + round + "/" + rounds);
            RoundPlayer.Outcome outcome = player.play(round, model);
            RoundRecord record = outcome.record();
            played.add(record);
            if (record.completed()) {
                model = outcome.model();
                globalModel = model;
            }
            if (checkpointStore != null) {
                Checkpoint saved = new Checkpoint(round, model, played);
                control.saveShielded(() -> checkpointStore.save(saved), "the checkpoint of round " + round);
            }
            report(record);
            if (!record.completed() && failurePolicy == RoundFailurePolicy.STOP) {
                log.warn("Stopping training after failed round {} (round failure policy STOP)", round);
                break;
            }
        }
        log.info(summary(played, Duration.ofNanos(System.nanoTime() - started)));
        if (disconnectWhenDone) {
            disconnectClients();
        }
        return new TrainingResult(model, played);
    }

    /** Round 0 of centralized evaluation: the initial model, as Flower evaluates it before training. */
    private void evaluateInitialModel(Parameters model) {
        try {
            strategy.evaluate(0, model).ifPresent((Evaluation evaluation) -> log.info(
                    "Initial model: centralized loss {}, metrics {}", evaluation.loss(), evaluation.metrics()));
        } catch (RuntimeException e) {
            log.warn("Centralized evaluation of the initial model failed", e);
        }
    }

    /** {@code Training finished: 5 rounds (5 completed) in 12.3 s; round 5: loss 0.412, accuracy 0.871}. */
    private String summary(History played, Duration took) {
        List<RoundRecord> records = played.rounds();
        long completed = records.stream().filter(RoundRecord::completed).count();
        StringBuilder line = new StringBuilder("Training finished: ").append(records.size()).append(" rounds (")
                .append(completed).append(" completed) in ")
                .append(String.format(Locale.ROOT, "%.1f s", took.toNanos() / 1e9));
        played.last().filter(RoundRecord::hasLoss).ifPresent(last -> {
            line.append("; round ").append(last.round()).append(": loss ")
                    .append(String.format(Locale.ROOT, "%.3f", last.loss()));
            last.metrics().forEach((name, value) -> line.append(", ").append(name).append(' ')
                    .append(String.format(Locale.ROOT, "%.3f", value)));
        });
        return line.toString();
    }

    private void report(RoundRecord record) {
        for (FailureRecord failure : record.failures()) {
            log.warn("round {}/{}: client {} failed to {}: {}: {}", record.round(), rounds, failure.clientId(),
                    failure.phase().name().toLowerCase(Locale.ROOT), failure.error(), failure.message());
        }
        if (record.completed()) {
            log.info(record.describe(rounds));
            notifyListeners(listener -> listener.roundCompleted(record));
        } else {
            log.warn(record.describe(rounds));
            notifyListeners(listener -> listener.roundFailed(record));
        }
    }

    /** Flower's end of training: {@code reconnect_ins{seconds: 0}} asks every connected client to disconnect. */
    private void disconnectClients() {
        List<ClientProxy> clients = clientManager.all();
        if (clients.isEmpty()) {
            return;
        }
        ServerMessage reconnect = ServerMessage.newBuilder()
                .setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(0)).build();
        try {
            FanOutResult acknowledged = new FanOut(maxInFlight, DISCONNECT_TIMEOUT).call(clients, reconnect);
            log.info("Training done: sent reconnect_ins{seconds: 0} to {} client(s), {} acknowledged", clients.size(),
                    acknowledged.replies().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    @Override
    public String toString() {
        return "FederatedTraining[" + strategy + ", " + rounds + " rounds]";
    }
}
