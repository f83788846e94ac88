package io.fedlink.client;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.DisconnectReason;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real coordinator for client tests: {@link ClientManagerServicer} + {@link DefaultClientManager} on an
 * in-process or TCP (127.0.0.1) gRPC server, with queues of registrations and unregistrations and a count of the
 * empty hand-shake messages it received.
 */
final class TestCoordinator implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();

    final DefaultClientManager clients = new DefaultClientManager(Duration.ofSeconds(10), 100);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ClientManagerServicer servicer = new ClientManagerServicer(clients, DefaultClientProxy::new,
            new StreamSettings(Duration.ofSeconds(30), TimeoutPolicy.DROP), timer);
    private final BlockingQueue<ClientProxy> registered = new LinkedBlockingQueue<>();
    private final BlockingQueue<DisconnectReason> unregistered = new LinkedBlockingQueue<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private final String inProcessName;
    private int port;
    private Server server;

    private TestCoordinator(String inProcessName, int port) {
        this.inProcessName = inProcessName;
        this.port = port;
        clients.addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                registered.add(client);
            }

            @Override
            public void unregistered(ClientProxy client, DisconnectReason reason) {
                unregistered.add(reason);
            }
        });
    }

    static TestCoordinator inProcess() {
        TestCoordinator coordinator = new TestCoordinator("client-tests-" + NAMES.incrementAndGet(), -1);
        coordinator.startServer();
        return coordinator;
    }

    /** On 127.0.0.1; port 0 picks a free one. */
    static TestCoordinator tcp(int port) {
        TestCoordinator coordinator = new TestCoordinator(null, port);
        coordinator.startServer();
        return coordinator;
    }

    private void startServer() {
        var service = ServerInterceptors.intercept(servicer, new HandshakeCounter());
        try {
            if (inProcessName != null) {
                server = InProcessServerBuilder.forName(inProcessName).addService(service).build().start();
            } else {
                server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                        .addService(service).build().start();
                port = server.getPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String target() {
        return inProcessName != null ? "in-process:" + inProcessName : "127.0.0.1:" + port;
    }

    /** A template on a new channel to this coordinator; the channel is closed with the coordinator. */
    ConnectionTemplate connectionTemplate() {
        ManagedChannel channel = inProcessName != null
                ? InProcessChannelBuilder.forName(inProcessName).build()
                : NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return new ConnectionTemplate(channel, 512 * 1024 * 1024, target());
    }

    /** The next client to register, waiting at most 10 s. */
    ClientProxy nextClient() throws InterruptedException {
        return nextClient(Duration.ofSeconds(10));
    }

    ClientProxy nextClient(Duration timeout) throws InterruptedException {
        ClientProxy client = registered.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (client == null) {
            throw new AssertionError("No client registered with " + target() + " within " + timeout);
        }
        return client;
    }

    /** Why the next client left, waiting at most 10 s. */
    DisconnectReason nextUnregistration() throws InterruptedException {
        DisconnectReason reason = unregistered.poll(10, TimeUnit.SECONDS);
        if (reason == null) {
            throw new AssertionError("No client unregistered from " + target() + " within 10 s");
        }
        return reason;
    }

    /** Empty {@code ClientMessage}s (seed-style hand-shakes) received on all streams so far. */
    int handshakes() {
        return handshakes.get();
    }

    /** Stops the server at once, cutting every stream; the port is free afterwards. */
    void shutdown() throws InterruptedException {
        server.shutdownNow();
        if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("Server " + target() + " did not terminate within 10 s");
        }
    }

    /** Starts the server again on the same address. */
    void restart() {
        startServer();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        shutdown();
        timer.shutdownNow();
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private final class HandshakeCounter implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                @Override
                public void onMessage(Q message) {
                    if (message instanceof ClientMessage clientMessage
                            && clientMessage.getMsgCase() == ClientMessage.MsgCase.MSG_NOT_SET) {
                        handshakes.incrementAndGet();
                    }
                    super.onMessage(message);
                }
            };
        }
    }
}
