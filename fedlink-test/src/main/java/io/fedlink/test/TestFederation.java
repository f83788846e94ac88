package io.fedlink.test;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.Connection;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.MessageSizeHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Clients of one coordinator in the test's JVM, each on its own channel (over TCP: its own connection): typed
 * {@link FederatedClient}s run by {@link ClientRunner}s, and {@link ScriptedClient}s on raw streams. The coordinator
 * can be a {@link TestCoordinator} or anything listening on a port (a Spring Boot application, a separate JVM, a
 * Flower server). Close it to stop every client it started, bounded.
 */
public final class TestFederation implements AutoCloseable {

    private static final Duration STOP_BOUND = Duration.ofSeconds(10);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Supplier<CoordinatorChannel.Builder> channels;
    private final List<CoordinatorChannel> opened = new CopyOnWriteArrayList<>();
    private final List<ClientRunner> runners = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile ClientRunnerSettings runnerSettings = ClientRunnerSettings.defaults();
    private volatile int maxMessageSize = MessageSizeHeader.DEFAULT_LIMIT;

    private TestFederation(Supplier<CoordinatorChannel.Builder> channels) {
        this.channels = channels;
    }

    /** Clients of {@code coordinator}, over its transport. */
    public static TestFederation of(TestCoordinator coordinator) {
        return new TestFederation(() -> CoordinatorChannel.forChannel(coordinator.newChannel(), coordinator.target()));
    }

    /** Clients of the plaintext coordinator at {@code host}:{@code port}. */
    public static TestFederation connectingTo(String host, int port) {
        String target = host + ":" + port;
        return new TestFederation(() -> CoordinatorChannel.forTarget(target).usePlaintext());
    }

    /** Hand-shake and reconnect backoff of the runners started from now on (default {@link ClientRunnerSettings#defaults()}). */
    public TestFederation runnerSettings(ClientRunnerSettings settings) {
        this.runnerSettings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /** Largest message the clients started from now on accept, in bytes (default 512 MiB). */
    public TestFederation maxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    /** Starts a runner answering with {@code client} on a new channel and returns it (running). */
    public ClientRunner start(FederatedClient client) {
        ClientRunner runner = channel().runner(client);
        runners.add(runner);
        runner.start();
        return runner;
    }

    /** Starts {@code count} runners answering with the clients {@code clients} makes (index from 0). */
    public List<ClientRunner> start(int count, IntFunction<? extends FederatedClient> clients) {
        List<ClientRunner> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(start(clients.apply(i)));
        }
        return started;
    }

    /**
     * Opens a stream on a new channel, sends the seed's empty hand-shake and answers every instruction with
     * {@code script} on a thread of its own until the stream ends or this federation closes.
     *
     * @return the client's side of the stream
     */
    public Connection join(ScriptedClient script) {
        Connection connection = channel().connectionTemplate().connect();
        connections.add(connection);
        Thread thread = new Thread(() -> answer(connection, script), "fedlink-scripted-client-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return connection;
    }

    /** The runners started so far, in order. */
    public List<ClientRunner> runners() {
        return List.copyOf(runners);
    }

    /** Stops every runner and scripted client started here (each bounded), then their channels. */
    @Override
    public void close() {
        runners.forEach(runner -> runner.stop(STOP_BOUND));
        connections.forEach(Connection::close);
        threads.forEach(Thread::interrupt);
        opened.forEach(CoordinatorChannel::close);
        for (Thread thread : threads) {
            try {
                thread.join(STOP_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private CoordinatorChannel channel() {
        CoordinatorChannel channel = channels.get().maxMessageSize(maxMessageSize).runnerSettings(runnerSettings).build();
        opened.add(channel);
        return channel;
    }

    private static void answer(Connection connection, ScriptedClient script) {
        try {
            connection.dispatch(ClientMessage.getDefaultInstance());
            while (!Thread.currentThread().isInterrupted()) {
                ServerMessage instruction = connection.consume();
                ClientMessage reply = script.answer(instruction, connection);
                if (reply != null) {
                    connection.dispatch(reply);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the stream ended (dropped, aborted, shut down) or the script gave up: this client is done
        }
    }
}
