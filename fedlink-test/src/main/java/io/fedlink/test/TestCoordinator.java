package io.fedlink.test;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.CoordinatorServer;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DisconnectReason;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;
import org.awaitility.Awaitility;

/**
 * A real fedlink coordinator for tests, in the spirit of spring-kafka-test's {@code EmbeddedKafkaBroker}: a
 * {@link CoordinatorServer} on grpc-java's in-process transport or on TCP (127.0.0.1, a free port), channels and
 * clients to it, and bounded waits for what happens on it. Close it to stop everything it started.
 *
 * <pre>{@code
 * try (TestCoordinator coordinator = TestCoordinator.inProcess().start()) {
 *     ClientProxy client = coordinator.connect(new MyClient());
 *     FitRes res = client.fit(FitIns.newBuilder().setParameters(model).build());
 * }
 * }</pre>
 *
 * Bounds are shorter than a production coordinator's, so a broken test fails in seconds: quorum waits 10 s, replies
 * 30 s, every wait of this class {@link #BOUND} unless it takes its own.
 */
public final class TestCoordinator implements AutoCloseable {

    /** Bound of the waits that take none. */
    public static final Duration BOUND = Duration.ofSeconds(10);

    private final TestCoordinatorBuilder builder;
    private final String inProcessName;
    private final Registrations registrations = new Registrations();
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private final TestFederation federation;
    private volatile CoordinatorServer server;
    private volatile int port;

    TestCoordinator(TestCoordinatorBuilder builder) {
        this.builder = builder;
        this.inProcessName = builder.tcp ? null : "fedlink-test-" + UUID.randomUUID();
        this.port = builder.port;
        this.server = startServer();
        this.federation = TestFederation.of(this);
    }

    /** A coordinator on grpc-java's in-process transport (no keepalive, no TLS, no port). */
    public static TestCoordinatorBuilder inProcess() {
        return new TestCoordinatorBuilder(false);
    }

    /** A coordinator on TCP, bound to 127.0.0.1 on a free port (see {@link TestCoordinatorBuilder#port}). */
    public static TestCoordinatorBuilder tcp() {
        return new TestCoordinatorBuilder(true);
    }

    /** The registry of connected clients. After {@link #restart()}, the new server's. */
    public DefaultClientManager clientManager() {
        return server.clientManager();
    }

    /** The {@code Join} service. After {@link #restart()}, the new server's. */
    public ClientManagerServicer servicer() {
        return server.servicer();
    }

    /** The coordinator without the test conveniences. */
    public CoordinatorServer server() {
        return server;
    }

    /** The TCP port; -1 in-process. */
    public int port() {
        return port;
    }

    /** The address clients use: {@code in-process:<name>} or {@code 127.0.0.1:<port>}. */
    public String target() {
        return inProcessName != null ? "in-process:" + inProcessName : "127.0.0.1:" + port;
    }

    /** A new channel to this coordinator (over TCP: a new connection; trusting its certificate under TLS). */
    public ManagedChannel newChannel() {
        ManagedChannel channel;
        if (inProcessName != null) {
            channel = InProcessChannelBuilder.forName(inProcessName).directExecutor().build();
        } else if (builder.certificateChain != null) {
            try {
                channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                        .sslContext(GrpcSslContexts.forClient().trustManager(builder.certificateChain).build()).build();
            } catch (SSLException e) {
                throw new IllegalStateException("Cannot trust " + builder.certificateChain, e);
            }
        } else {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }
        channels.add(channel);
        return channel;
    }

    /** Opens {@code Join} streams over a new channel, accepting messages up to 512 MiB. */
    public ConnectionTemplate connectionTemplate() {
        return connectionTemplate(MessageSizeHeader.DEFAULT_LIMIT);
    }

    /** Opens {@code Join} streams over a new channel, accepting messages up to {@code maxMessageSize} bytes. */
    public ConnectionTemplate connectionTemplate(int maxMessageSize) {
        return new ConnectionTemplate(newChannel(), maxMessageSize, target());
    }

    /** Clients of this coordinator, each on its own channel; stopped when this coordinator closes. */
    public TestFederation federation() {
        return federation;
    }

    /**
     * Runs {@code client} with a {@link ClientRunner} on its own channel and returns its handle on this side once
     * it is registered (bounded by {@link #BOUND}). One call at a time returns the client it started.
     */
    public synchronized ClientProxy connect(FederatedClient client) {
        List<String> known = knownIds();
        federation.start(client);
        return awaitNewClient(known, "the FederatedClient " + client);
    }

    /** Connects {@code count} clients made by {@code clients} (index from 0), in order; see {@link #connect}. */
    public List<ClientProxy> connect(int count, IntFunction<? extends FederatedClient> clients) {
        List<ClientProxy> proxies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            proxies.add(connect(clients.apply(i)));
        }
        return proxies;
    }

    /**
     * Opens a raw stream answered by {@code script} on its own thread (after the seed's empty hand-shake) and returns
     * the client's handle on this side once it is registered; see {@link TestFederation#join}.
     */
    public synchronized ClientProxy join(ScriptedClient script) {
        List<String> known = knownIds();
        federation.join(script);
        return awaitNewClient(known, "the scripted client " + script);
    }

    /** Waits until {@code count} clients are connected (bounded by the quorum timeout) and returns them all. */
    public List<ClientProxy> awaitClients(int count) {
        return clientManager().getClients(count);
    }

    /** Waits until {@code count} clients are connected, at most {@code bound}, and returns them all. */
    public List<ClientProxy> awaitClients(int count, Duration bound) {
        return clientManager().getClients(count, bound);
    }

    /** The next client to register (in order of registration, since the start), waiting at most {@link #BOUND}. */
    public ClientProxy nextClient() throws InterruptedException {
        return nextClient(BOUND);
    }

    /** The next client to register, waiting at most {@code bound}. */
    public ClientProxy nextClient(Duration bound) throws InterruptedException {
        return registrations.nextClient(bound, target());
    }

    /** Why the next client left (in order of unregistration, since the start), waiting at most {@link #BOUND}. */
    public DisconnectReason nextUnregistration() throws InterruptedException {
        return registrations.nextUnregistration(BOUND, target());
    }

    /** Empty {@code ClientMessage}s (the seed's hand-shakes) received on all streams so far. */
    public int handshakes() {
        return registrations.handshakes();
    }

    /**
     * Stops the server at once, as a crash would: every stream is cut and, over TCP, the port refuses connections
     * until {@link #restart()}.
     */
    public void shutdown() throws InterruptedException {
        CoordinatorServer current = server;
        current.server().shutdownNow();
        if (!current.server().awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Coordinator " + target() + " did not terminate within " + BOUND);
        }
        current.close();
    }

    /** Starts a new server with the same settings on the same address, with an empty registry. */
    public void restart() {
        server = startServer();
    }

    /** Stops the clients started here, the server and every channel made here. */
    @Override
    public void close() {
        federation.close();
        server.close();
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        try {
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestCoordinator[" + target() + "]";
    }

    private CoordinatorServer startServer() {
        CoordinatorServer.Builder server = inProcessName != null
                ? CoordinatorServer.forServerBuilder(InProcessServerBuilder.forName(inProcessName))
                : CoordinatorServer.forAddress("127.0.0.1", port);
        server.settings(builder.settings.build())
                .proxyFactory(builder.proxyFactory)
                .authenticator(builder.authenticator)
                .clientListener(registrations)
                .configure(serverBuilder -> {
                    serverBuilder.intercept(registrations.handshakeCounter());
                    builder.customizer.accept(serverBuilder);
                });
        builder.instructionListeners.forEach(server::instructionListener);
        if (builder.timer != null) {
            server.timer(builder.timer);
        }
        if (builder.certificateChain != null) {
            server.useTransportSecurity(builder.certificateChain, builder.privateKey);
        }
        try {
            CoordinatorServer started = server.start();
            port = started.port();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a test coordinator on " + target(), e);
        }
    }

    private List<String> knownIds() {
        return clientManager().all().stream().map(ClientProxy::id).toList();
    }

    private ClientProxy awaitNewClient(List<String> known, String what) {
        return Awaitility.await(what + " registers with " + target()).atMost(BOUND).pollInterval(Duration.ofMillis(5))
                .until(() -> clientManager().all().stream().filter(client -> !known.contains(client.id())).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }
}
