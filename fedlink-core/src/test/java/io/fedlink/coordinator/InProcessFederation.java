package io.fedlink.coordinator;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.InstructionListener;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real coordinator (ClientManagerServicer over the in-process transport) and clients that are real
 * {@code Join} streams opened with {@link ConnectionTemplate}, each answering on its own thread. Like a Flower client,
 * each one acknowledges {@code reconnect_ins} (the end of training) and hangs up.
 */
final class InProcessFederation implements AutoCloseable {

    /** How a test client answers an instruction; {@code null} means "send nothing". */
    @FunctionalInterface
    interface Behaviour {
        ClientMessage answer(ServerMessage instruction, Connection connection) throws Exception;
    }

    final DefaultClientManager manager;
    private final String name = "fedlink-coordinator-test-" + UUID.randomUUID();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fedlink-test-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ClientManagerServicer servicer;
    private final Server server;
    private final ManagedChannel channel;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    InProcessFederation() throws IOException {
        this(Duration.ofSeconds(30));
    }

    /** A federation whose quorum waits give up after {@code quorumTimeout}. */
    InProcessFederation(Duration quorumTimeout) throws IOException {
        manager = new DefaultClientManager(quorumTimeout, 1000);
        servicer = new ClientManagerServicer(manager, DefaultClientProxy::new,
                new StreamSettings(Duration.ofSeconds(30), TimeoutPolicy.DROP), timer);
        server = InProcessServerBuilder.forName(name).addService(servicer).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    /** Tells {@code listener} of every instruction's outcome on this coordinator's streams. */
    void addInstructionListener(InstructionListener listener) {
        servicer.addInstructionListener(listener);
    }

    /** Connects a client that answers with {@code behaviour} and returns its server-side proxy once registered. */
    ClientProxy join(Behaviour behaviour) throws InterruptedException {
        Set<String> known = new HashSet<>();
        manager.all().forEach(client -> known.add(client.id()));
        Connection connection = new ConnectionTemplate(channel, Integer.MAX_VALUE, name).connect();
        connections.add(connection);
        Thread thread = new Thread(() -> answerLoop(connection, behaviour), "fedlink-test-client-" + threads.size());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (ClientProxy client : manager.all()) {
                if (!known.contains(client.id())) {
                    return client;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("client did not register within 10 s");
    }

    private static void answerLoop(Connection connection, Behaviour behaviour) {
        try {
            connection.dispatch(ClientMessage.getDefaultInstance()); // the seed's hand-shake
            while (!Thread.currentThread().isInterrupted()) {
                ServerMessage instruction = connection.consume();
                if (instruction.hasReconnectIns()) { // Flower's end of training: acknowledge and hang up
                    connection.dispatch(ClientMessage.newBuilder().setDisconnectRes(ClientMessage.DisconnectRes.newBuilder()
                            .setReason(io.fedlink.proto.Reason.RECONNECT)).build());
                    connection.close();
                    return;
                }
                ClientMessage reply = behaviour.answer(instruction, connection);
                if (reply != null) {
                    connection.dispatch(reply);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // stream closed (dropped, aborted, shut down): this client is done
        }
    }

    @Override
    public void close() throws InterruptedException {
        connections.forEach(Connection::close);
        threads.forEach(Thread::interrupt);
        channel.shutdownNow();
        server.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
        timer.shutdownNow();
        for (Thread thread : threads) {
            thread.join(5000);
        }
    }
}
