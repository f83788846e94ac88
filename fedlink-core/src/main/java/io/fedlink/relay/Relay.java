package io.fedlink.relay;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerListener;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ClientRunnerStatus;
import io.fedlink.client.ConnectionOperations;
import io.fedlink.server.ClientManager;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay: a coordinator for its own clients (its {@link ClientManager}, served by the usual
 * {@link io.fedlink.server.ClientManagerServicer}) that is one client of an upstream coordinator, a fedlink one or a
 * stock Flower server. Once {@link RelaySettings#minClients()} clients are connected it joins upstream with a
 * {@link ClientRunner} (reconnecting with backoff like any client) whose {@link RelayClient} answers each instruction
 * for all its clients. When upstream ends the training ({@code reconnect_ins{seconds: 0}}) the relay passes the end
 * on to its clients (unless {@link RelaySettings#passOnEndOfTraining()} is false) and stops.
 *
 * <pre>{@code
 * Relay relay = new Relay(upstreamConnections, clientManager, RelaySettings.defaults(), ClientRunnerSettings.defaults());
 * relay.start();
 * ...
 * relay.stop(Duration.ofSeconds(10));
 * }</pre>
 *
 * Runs on one thread of its own ({@code fedlink-relay-N}); {@link #stop} may be called from any thread.
 */
public final class Relay {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration WAIT_LOG_INTERVAL = Duration.ofSeconds(30);
    private static int threads;

    private final ConnectionOperations upstream;
    private final ClientManager clientManager;
    private final RelaySettings settings;
    private final ClientRunnerSettings runnerSettings;
    private final RelayClient client;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final Object lock = new Object();
    // Guarded by lock.
    private Thread thread;
    private ClientRunner runner;
    private boolean stopRequested;
    private volatile boolean trainingEnded;

    /**
     * @param upstream       opens streams to the upstream coordinator ({@code grpc.client.fedlink.address})
     * @param clientManager  the relay's own clients
     * @param settings       how the relay serves them
     * @param runnerSettings hand-shake and reconnect backoff towards upstream ({@code fedlink.client.*})
     */
    public Relay(ConnectionOperations upstream, ClientManager clientManager, RelaySettings settings,
                 ClientRunnerSettings runnerSettings) {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.clientManager = Objects.requireNonNull(clientManager, "clientManager");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.runnerSettings = Objects.requireNonNull(runnerSettings, "runnerSettings");
        this.client = new RelayClient(clientManager, settings);
    }

    /**
     * Starts the relay's thread: it waits for {@link RelaySettings#minClients()} clients, then joins upstream.
     *
     * @throws IllegalStateException if already started
     */
    public void start() {
        synchronized (lock) {
            if (thread != null || stopRequested) {
                throw new IllegalStateException("The relay was already started or stopped; a relay is single-use");
            }
            thread = new Thread(this::execute, "fedlink-relay-" + nextThread());
            thread.start();
        }
    }

    /**
     * Stops the relay: leaves upstream (the upstream coordinator sees this client leave) and ends the thread, waiting at
     * most {@code timeout}. The relay's own clients stay connected to its coordinator side. Idempotent.
     *
     * @return whether the relay's thread has ended
     */
    public boolean stop(Duration timeout) {
        Thread running;
        ClientRunner current;
        synchronized (lock) {
            stopRequested = true;
            running = thread;
            current = runner;
        }
        if (current != null) {
            current.stop(timeout);
        }
        if (running == null) {
            termination.complete(null);
            return true;
        }
        try {
            running.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !running.isAlive();
    }

    /** Completes when the relay's thread ends: stopped, or training ended upstream; exceptionally if it gave up. */
    public CompletableFuture<Void> termination() {
        return termination.copy();
    }

    /** The state of the connection upstream, once the relay has joined (empty while it waits for its clients). */
    public Optional<ClientRunnerStatus> upstreamStatus() {
        synchronized (lock) {
            return Optional.ofNullable(runner).map(ClientRunner::status);
        }
    }

    /** Whether upstream ended the training ({@code reconnect_ins{seconds: 0}}). */
    public boolean trainingEnded() {
        return trainingEnded;
    }

    /** The relay's client side, which answers upstream. */
    public RelayClient client() {
        return client;
    }

    /** How the relay serves its clients. */
    public RelaySettings settings() {
        return settings;
    }

    private void execute() {
        try {
            if (!awaitClients()) {
                termination.complete(null);
                return;
            }
            ClientRunner joined;
            synchronized (lock) {
                if (stopRequested) {
                    termination.complete(null);
                    return;
                }
                joined = new ClientRunner(upstream, client, runnerSettings, new EndOfTraining());
                runner = joined;
            }
            log.info("Relay: {} client(s) connected; joining the upstream coordinator {}", clientManager.numAvailable(),
                    joined.target());
            joined.run();
            termination.complete(null);
        } catch (RuntimeException | Error e) {
            log.error("Relay stopped: {}", e.getMessage());
            termination.completeExceptionally(e);
        }
    }

    /** Waits, in slices so that stop() is seen, until enough clients are connected; false if stopped meanwhile. */
    private boolean awaitClients() {
        long lastLog = System.nanoTime();
        while (true) {
            synchronized (lock) {
                if (stopRequested) {
                    return false;
                }
            }
            try {
                if (clientManager.waitFor(settings.minClients(), POLL)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (System.nanoTime() - lastLog > WAIT_LOG_INTERVAL.toNanos()) {
                lastLog = System.nanoTime();
                log.info("Relay: waiting for {} client(s) before joining upstream ({} connected; fedlink.relay.min-clients)",
                        settings.minClients(), clientManager.numAvailable());
            }
        }
    }

    private static synchronized int nextThread() {
        return ++threads;
    }

    /** Passes upstream's end of training on to the relay's clients. */
    private final class EndOfTraining implements ClientRunnerListener {
        @Override
        public void shutdownRequested(String target) {
            trainingEnded = true;
            if (!settings.passOnEndOfTraining()) {
                log.info("Relay: upstream {} ended the training; its clients stay connected"
                        + " (fedlink.relay.pass-on-end-of-training is false)", target);
                return;
            }
            try {
                client.endTraining();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
