package io.fedlink.client;

import io.fedlink.client.ClientRunnerStatus.Phase;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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
 * {@link #run()} blocks the calling thread; {@link #start()} runs the same loop on a new (non-daemon) thread the
 * runner owns. The client's methods and the listener are called on that one thread, one at a time. {@link #stop()}
 * may be called from any thread, any number of times: it closes the current stream, cuts a reconnect wait short,
 * interrupts a client method that is running, and waits (bounded) for the loop to end. A runner is single-use.
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

    /** How often blocking waits look at the stop flag; stop() also wakes them directly. */
    private static final Duration POLL = Duration.ofSeconds(1);
    /** How long a hang-up after reconnect_ins waits for the coordinator to close its side. */
    private static final Duration HANG_UP_GRACE = Duration.ofSeconds(5);
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

    private final Object lock = new Object();
    // Guarded by lock.
    private Thread loopThread;
    private Connection current;
    private boolean stopRequested;
    private boolean inHandler;
    private Phase phase = Phase.NEW;

    // Written by the loop thread only; read by status().
    private volatile int sessions;
    private volatile long instructionsAnswered;
    private volatile int failedAttempts;
    private volatile Throwable lastError;
    private boolean interruptedFromOutside;

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
        synchronized (lock) {
            requireNew("run()");
            loopThread = Thread.currentThread();
            phase = Phase.CONNECTING;
        }
        execute();
    }

    /**
     * Runs the loop on a new thread named {@code fedlink-client-runner-N} and returns at once; see
     * {@link #termination()} for how it ends.
     *
     * @throws IllegalStateException if this runner was already started or stopped
     */
    public void start() {
        synchronized (lock) {
            requireNew("start()");
            Thread thread = new Thread(this::executeQuietly, "fedlink-client-runner-" + THREADS.incrementAndGet());
            loopThread = thread;
            phase = Phase.CONNECTING;
            thread.start();
        }
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
        Thread runnerThread;
        synchronized (lock) {
            runnerThread = loopThread;
            if (!stopRequested) {
                stopRequested = true;
                log.debug("Stopping the client runner for {}", target);
                if (phase == Phase.NEW) {
                    phase = Phase.STOPPED;
                    termination.complete(null);
                }
                if (current != null) {
                    current.abort("client runner stopped");
                }
                if (inHandler && runnerThread != null) {
                    runnerThread.interrupt();
                }
                lock.notifyAll();
            }
        }
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
        Phase now;
        synchronized (lock) {
            now = phase;
        }
        return new ClientRunnerStatus(now, sessions, instructionsAnswered, failedAttempts, lastError);
    }

    private void requireNew(String what) {
        if (phase != Phase.NEW) {
            throw new IllegalStateException("Cannot call " + what + " on the client runner for " + target
                    + ": it is " + phase.name().toLowerCase(Locale.ROOT) + "; a runner is single-use, create a new one");
        }
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
        synchronized (lock) {
            loopThread = null;
            current = null;
            phase = failure == null ? Phase.STOPPED
                    : failure instanceof ReconnectAttemptsExhaustedException ? Phase.GAVE_UP : Phase.FAILED;
        }
        if (interruptedFromOutside) {
            Thread.currentThread().interrupt(); // restore what the waits consumed, for the caller of run()
        }
        if (failure == null) {
            log.info("Client runner for coordinator {} stopped after {} session(s) and {} instruction(s) answered",
                    target, sessions, instructionsAnswered);
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
        while (!stopping()) {
            SessionEnd end = session();
            if (end.stopped() || stopping()) {
                return;
            }
            if (end.answered() > 0) {
                failedAttempts = 0;
                retry = 0;
            } else {
                failedAttempts++;
            }
            Duration delay;
            if (end.reconnectAfter() != null) {
                delay = end.reconnectAfter();
            } else {
                lastError = end.cause();
                if (backoff.isExhausted(failedAttempts)) {
                    throw new ReconnectAttemptsExhaustedException(target, failedAttempts, end.cause());
                }
                delay = backoff.delay(retry++, random);
            }
            log.info("Reconnecting to coordinator {} in {}{}", target, format(delay), failedAttempts == 0 ? ""
                    : " (failed attempts in a row: " + failedAttempts + (backoff.maxAttempts() == 0 ? ""
                    : " of " + backoff.maxAttempts()) + ")");
            int failed = failedAttempts;
            tell(l -> l.reconnecting(target, delay, failed));
            if (!pause(delay)) {
                return;
            }
        }
    }

    /** How one stream ended. */
    private record SessionEnd(boolean stopped, long answered, Throwable cause, Duration reconnectAfter) {
        static SessionEnd stop(long answered) {
            return new SessionEnd(true, answered, null, null);
        }
    }

    /** Opens one stream and answers instructions until it ends. */
    private SessionEnd session() {
        Connection connection;
        RuntimeException connectFailure = null;
        synchronized (lock) {
            if (stopRequested) {
                return SessionEnd.stop(0);
            }
            phase = Phase.CONNECTING;
            try {
                connection = connections.connect(); // never blocks; holding the lock lets stop() see it at once
                current = connection;
            } catch (RuntimeException e) {
                connection = null;
                connectFailure = e;
            }
        }
        if (connectFailure != null) {
            RuntimeException cause = connectFailure;
            log.warn("Could not connect to coordinator {}: {}", target, cause.toString());
            tell(l -> l.connectFailed(target, cause));
            return new SessionEnd(false, 0, cause, null);
        }
        boolean established = false;
        long answered = 0;
        try {
            while (!connection.awaitReady(POLL)) {
                if (stopping()) {
                    return SessionEnd.stop(0);
                }
            }
            established = true;
            int session = ++sessions;
            synchronized (lock) {
                if (!stopRequested) {
                    phase = Phase.CONNECTED;
                }
            }
            log.info("Connected to coordinator {} (session {})", target, session);
            tell(l -> l.connected(target, session));
            if (settings.sendHandshake()) {
                connection.dispatch(ClientMessage.getDefaultInstance());
            }
            while (true) {
                Optional<ServerMessage> next = connection.consume(POLL);
                if (next.isEmpty()) {
                    if (stopping()) {
                        return endByStop(answered);
                    }
                    continue;
                }
                ServerMessage instruction = next.get();
                ClientMessage reply = handle(instruction);
                if (reply == null) {
                    return endByStop(answered);
                }
                connection.dispatch(reply);
                answered++;
                instructionsAnswered++;
                failedAttempts = 0;
                if (instruction.hasReconnectIns()) {
                    long seconds = Math.max(0, instruction.getReconnectIns().getSeconds());
                    hangUp(connection);
                    if (seconds == 0) {
                        // Flower's meaning of reconnect_ins{seconds: 0} (what a Flower server sends when training ends).
                        log.info("Coordinator {} asked this client to disconnect and shut down", target);
                        tell(l -> l.disconnected(target, null));
                        tell(l -> l.shutdownRequested(target));
                        return SessionEnd.stop(answered);
                    }
                    log.info("Coordinator {} asked this client to reconnect in {} s; hung up", target, seconds);
                    tell(l -> l.disconnected(target, null));
                    return new SessionEnd(false, answered, null, Duration.ofSeconds(seconds));
                }
            }
        } catch (ConnectionClosedException | UnknownInstructionException e) {
            if (stopping()) {
                return established ? endByStop(answered) : SessionEnd.stop(answered);
            }
            if (e instanceof UnknownInstructionException) {
                connection.abort(e.getMessage());
            }
            if (established) {
                log.warn("Disconnected from coordinator {}: {}", target, e.getMessage());
                tell(l -> l.disconnected(target, e));
            } else {
                log.warn("Could not connect to coordinator {}: {}", target, e.getMessage());
                tell(l -> l.connectFailed(target, e));
            }
            return new SessionEnd(false, answered, e, null);
        } catch (InterruptedException e) {
            // Only an interrupt from outside reaches here: stop() interrupts client methods only.
            interruptedFromOutside = true;
            requestStopQuietly();
            return established ? endByStop(answered) : SessionEnd.stop(answered);
        } finally {
            synchronized (lock) {
                current = null;
            }
            connection.abort("client runner left the session");
        }
    }

    private SessionEnd endByStop(long answered) {
        tell(l -> l.disconnected(target, null));
        return SessionEnd.stop(answered);
    }

    /**
     * Calls the client for one instruction with the stop-interrupt armed.
     *
     * @return the reply, or {@code null} if the runner is stopping and the client was not called
     */
    private ClientMessage handle(ServerMessage instruction) {
        synchronized (lock) {
            if (stopRequested) {
                return null;
            }
            inHandler = true;
        }
        try {
            return dispatcher.dispatch(instruction);
        } finally {
            boolean stopped;
            synchronized (lock) {
                inHandler = false;
                stopped = stopRequested;
            }
            if (stopped) {
                Thread.interrupted(); // the interrupt came from stop(); the loop ends on the flag instead
            }
        }
    }

    /** Half-closes after a reconnect_ins and gives the coordinator a moment to close its side. */
    private void hangUp(Connection connection) throws InterruptedException {
        connection.close();
        long deadline = System.nanoTime() + HANG_UP_GRACE.toNanos();
        try {
            while (!stopping()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                connection.consume(Duration.ofNanos(Math.min(left, POLL.toNanos())))
                        .ifPresent(message -> log.debug("Ignoring {} from {} after hanging up", message.getMsgCase(),
                                target));
            }
        } catch (ConnectionClosedException e) {
            // The coordinator closed its side: the hang-up is complete.
        }
    }

    /**
     * Waits {@code delay} unless stopped.
     *
     * @return {@code false} if the runner was stopped (or its thread interrupted) meanwhile
     */
    private boolean pause(Duration delay) {
        long start = System.nanoTime();
        long nanos = saturatedNanos(delay); // a coordinator may ask for reconnect_ins{seconds: 2^63-1}
        synchronized (lock) {
            if (stopRequested) {
                return false;
            }
            phase = Phase.WAITING_TO_RECONNECT;
            try {
                while (!stopRequested) {
                    long left = nanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return true;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return false;
            } catch (InterruptedException e) {
                interruptedFromOutside = true;
                stopRequested = true;
                return false;
            }
        }
    }

    private boolean stopping() {
        synchronized (lock) {
            return stopRequested;
        }
    }

    private void requestStopQuietly() {
        synchronized (lock) {
            stopRequested = true;
        }
    }

    private void tell(Consumer<ClientRunnerListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("Client runner listener failed; ignoring it", e);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
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
