package io.fedlink.client;

import io.fedlink.client.ClientRunnerStatus.Phase;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link FederatedClient} connected to its coordinator: the Java counterpart of Flower's
 * {@code start_client}. It opens a stream, answers every instruction through an {@link InstructionDispatcher},
 * and reconnects when the stream ends:
 * <ul>
 *   <li>{@code reconnect_ins{seconds}}: replies {@code disconnect_res{RECONNECT}}, hangs up, waits {@code seconds}
 *       and connects again; {@code seconds} 0 means "disconnect and shut down", as in Flower (a Flower server sends
 *       it to every client when training ends): the runner then stops as if {@link #stop()} had been called;</li>
 *   <li>the stream ends or fails (coordinator stopped, {@code UNAVAILABLE}, connection refused, ...): connects again
 *       after a {@link Backoff} delay; after {@link Backoff#maxAttempts()} attempts in a row that ended without a
 *       single instruction the runner gives up with {@link ReconnectAttemptsExhaustedException}. A session that
 *       answered at least one instruction resets the count.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #run()} blocks the calling thread (submit {@code runner::run} to an executor of your own to choose the
 * thread); {@link #start()} runs the same loop on a new (non-daemon) thread the runner owns. The client's methods and
 * the listener are called on that one thread, one at a time. {@link #stop()} may be called from any thread, any number
 * of times: it aborts the current stream (which ends a wait for it or for an instruction at once), cuts a reconnect
 * wait short, interrupts a client method that is running, and waits (bounded) for the loop to end. Nothing polls.
 * A runner is single-use.
 *
 * <h2>A reply the coordinator would refuse</h2>
 * A fedlink coordinator announces the largest message it accepts. A reply above it is not sent; the runner answers
 * that instruction with the same reply case and a non-OK status saying {@code "client error: ... the coordinator
 * accepts at most N bytes ..."} (see {@link InstructionDispatcher#failure}), so the coordinator counts this client's
 * failure at once, and goes on serving.
 *
 * <h2>A coordinator that is gone</h2>
 * Streams are not wait-for-ready: a refused or unresolvable address fails the attempt at once. A coordinator that
 * stops answering without closing its connections (a frozen process, a pulled cable) is detected only by the
 * channel's keepalive: the stream then fails after about keepalive time + keepalive timeout, so configure them on
 * the channel (with the gRPC starter: {@code grpc.client.fedlink.enable-keep-alive=true},
 * {@code grpc.client.fedlink.keep-alive-time}, {@code grpc.client.fedlink.keep-alive-timeout}). Without keepalive such
 * a stream waits until the operating system gives up on the TCP connection. A coordinator that does not answer a
 * connection attempt at all is bounded by the channel's connect timeout.
 *
 * <pre>{@code
 * ClientRunner runner = new ClientRunner(connectionTemplate, new Trainer(), ClientRunnerSettings.defaults());
 * runner.start();
 * ...
 * runner.stop();
 * }</pre>
 */
public final class ClientRunner {

    private static final Logger log = LoggerFactory.getLogger(ClientRunner.class);

    /** Bound of {@link #stop()}. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ConnectionOperations connections;
    private final InstructionDispatcher dispatcher;
    private final ClientRunnerSettings settings;
    private final ClientRunnerListener listener;
    private final RandomGenerator random = new Random();
    private final String target;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final RunnerControl control;
    private final Session.Counters counters = new Session.Counters();
    private volatile Throwable lastError;

    /** A runner that tells nobody about its connection beyond its log. */
    public ClientRunner(ConnectionOperations connections, FederatedClient client, ClientRunnerSettings settings) {
        this(connections, client, settings, new ClientRunnerListener() {
        });
    }

    /**
     * @param connections opens streams to the coordinator (usually a {@link ConnectionTemplate})
     * @param client      answers the instructions
     * @param settings    hand-shake and reconnect backoff
     * @param listener    told of connects, disconnects and reconnect delays
     */
    public ClientRunner(ConnectionOperations connections, FederatedClient client, ClientRunnerSettings settings,
                        ClientRunnerListener listener) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.dispatcher = new InstructionDispatcher(Objects.requireNonNull(client, "client"));
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.target = connections instanceof ConnectionTemplate template ? template.target() : connections.toString();
        this.control = new RunnerControl(target);
    }

    /** The coordinator's address, as the {@link ConnectionTemplate} names it. */
    public String target() {
        return target;
    }

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called or the thread is interrupted (then
     * returns normally; an interrupt from outside is restored on return), or until the backoff bound is exhausted.
     *
     * @throws ReconnectAttemptsExhaustedException if {@link Backoff#maxAttempts()} attempts in a row failed
     * @throws IllegalStateException               if this runner was already started or stopped
     * @throws Error                               an error thrown by the client, which ends the runner
     */
    public void run() {
        control.claim("run()", Thread.currentThread());
        execute();
    }

    /**
     * Runs the loop on a new thread named {@code fedlink-client-runner-N} and returns at once; see
     * {@link #termination()} for how it ends.
     *
     * @throws IllegalStateException if this runner was already started or stopped
     */
    public void start() {
        Thread thread = new Thread(this::executeQuietly, "fedlink-client-runner-" + THREADS.incrementAndGet());
        control.claim("start()", thread);
        thread.start();
    }

    /**
     * Ends the loop and waits at most {@link #DEFAULT_STOP_TIMEOUT} for it. See {@link #stop(Duration)}.
     *
     * @return whether the loop has ended
     */
    public boolean stop() {
        return stop(DEFAULT_STOP_TIMEOUT);
    }

    /**
     * Ends the loop: cancels the current stream (the coordinator sees this client leave), cuts a reconnect wait
     * short and interrupts a client method that is running; then waits at most {@code timeout} for the loop to end.
     * Idempotent; callable from any thread. Called on the runner's own thread (from a client method or listener),
     * it does not wait. A stopped runner that never ran is simply marked stopped.
     *
     * @return whether the loop has ended within {@code timeout}; {@code false} if a client method ignores the
     *         interrupt and is still running (the loop then ends as soon as it returns), or if the calling thread
     *         was interrupted while waiting (its interrupt status is restored)
     */
    public boolean stop(Duration timeout) {
        log.debug("Stopping the client runner for {}", target);
        Thread runnerThread = control.requestStop(() -> termination.complete(null));
        if (runnerThread == Thread.currentThread()) {
            return false;
        }
        try {
            return awaitTermination(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits at most {@code timeout} for the loop to end, however it ends.
     *
     * @return whether it has ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        try {
            termination.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /**
     * Completes when the loop ends: normally after {@link #stop()} (or an interrupt), exceptionally with
     * {@link ReconnectAttemptsExhaustedException} when the runner gave up, or with the error that ended it.
     * Completing the returned future has no effect on the runner.
     */
    public CompletableFuture<Void> termination() {
        return termination.copy();
    }

    /** What the runner is doing and has done, for health checks and tests. */
    public ClientRunnerStatus status() {
        return new ClientRunnerStatus(control.phase(), counters.sessions.get(), counters.instructionsAnswered.get(),
                counters.failedAttempts.get(), lastError);
    }

    private void executeQuietly() {
        try {
            execute();
        } catch (RuntimeException | Error e) {
            // Already logged, and reported through termination().
        }
    }

    private void execute() {
        Throwable failure = null;
        try {
            loop();
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            finish(failure);
        }
    }

    private void finish(Throwable failure) {
        control.finished(failure == null ? Phase.STOPPED
                : failure instanceof ReconnectAttemptsExhaustedException ? Phase.GAVE_UP : Phase.FAILED);
        if (control.wasInterruptedFromOutside()) {
            Thread.currentThread().interrupt(); // restore what the waits consumed, for the caller of run()
        }
        if (failure == null) {
            log.info("Client runner for coordinator {} stopped after {} session(s) and {} instruction(s) answered",
                    target, counters.sessions.get(), counters.instructionsAnswered.get());
            termination.complete(null);
        } else {
            if (failure instanceof ReconnectAttemptsExhaustedException) {
                log.error(failure.getMessage());
            } else {
                log.error("Client runner for coordinator {} failed", target, failure);
            }
            termination.completeExceptionally(failure);
        }
    }

    /** Sessions and waits until stopped; throws when the backoff bound is exhausted. */
    private void loop() {
        Backoff backoff = settings.backoff();
        int retry = 0;
        while (!control.stopping()) {
            Session.End end = new Session(target, control, dispatcher, settings.sendHandshake(), counters, this::tell)
                    .run(connections);
            if (end.stopped() || control.stopping()) {
                return;
            }
            int failed = end.answered() > 0 ? 0 : counters.failedAttempts.incrementAndGet();
            if (end.answered() > 0) {
                counters.failedAttempts.set(0);
                retry = 0;
            }
            Duration delay;
            if (end.reconnectAfter() != null) {
                delay = end.reconnectAfter();
            } else {
                lastError = end.cause();
                if (backoff.isExhausted(failed)) {
                    throw new ReconnectAttemptsExhaustedException(target, failed, end.cause(), settings.settingNames());
                }
                delay = backoff.delay(retry++, random);
            }
            log.info("Reconnecting to coordinator {} in {}{}", target, format(delay), failed == 0 ? ""
                    : " (failed attempts in a row: " + failed + (backoff.maxAttempts() == 0 ? ""
                    : " of " + backoff.maxAttempts()) + ")");
            tell(l -> l.reconnecting(target, delay, failed));
            if (!control.pause(delay)) {
                return;
            }
        }
    }

    private void tell(Consumer<ClientRunnerListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("Client runner listener failed; ignoring it", e);
        }
    }

    private static String format(Duration delay) {
        if (delay.compareTo(Duration.ofSeconds(1)) < 0) {
            return delay.toMillis() + " ms";
        }
        if (delay.compareTo(Duration.ofHours(1)) < 0) {
            return String.format(Locale.ROOT, "%.1f s", delay.toMillis() / 1000.0);
        }
        return delay.toString();
    }
}
