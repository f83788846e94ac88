package io.fedlink.server;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.security.ClientAuthenticator;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A fedlink coordinator without Spring: a gRPC server serving {@code Join} through a {@link ClientManagerServicer},
 * clients registered with a {@link DefaultClientManager}, and the message limit, keepalive and bounds of
 * {@link CoordinatorSettings} (by default those the Spring Boot starter applies).
 *
 * <pre>{@code
 * try (CoordinatorServer coordinator = CoordinatorServer.forPort(9090).start()) {
 *     List<ClientProxy> clients = coordinator.clientManager().getClients(2); // waits for 2, bounded
 *     ...
 *     coordinator.disconnectAllClients(Duration.ofSeconds(10));           // Flower's end of training
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} closes every client stream, then stops the server, bounded.
 */
public final class CoordinatorServer implements AutoCloseable {

    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);
    private static final ServerMessage DISCONNECT = ServerMessage.newBuilder()
            .setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(0)).build();

    private final DefaultClientManager clientManager;
    private final ClientManagerServicer servicer;
    private final Server server;

    private CoordinatorServer(DefaultClientManager clientManager, ClientManagerServicer servicer, Server server) {
        this.clientManager = clientManager;
        this.servicer = servicer;
        this.server = server;
    }

    /** A coordinator on {@code port} of every interface (0 picks a free port; see {@link #port()}). */
    public static Builder forPort(int port) {
        return new Builder(NettyServerBuilder.forPort(port));
    }

    /** A coordinator on {@code host}:{@code port} only, for example {@code 127.0.0.1} for this machine alone. */
    public static Builder forAddress(String host, int port) {
        return new Builder(NettyServerBuilder.forAddress(new InetSocketAddress(host, port)));
    }

    /**
     * A coordinator on a transport of the caller's choice, for example grpc-java's in-process server in tests. The
     * builder gets the settings' message limit, and their keepalive unless it is {@code null} (the in-process
     * transport has none: use {@link CoordinatorSettings#withoutKeepalive()}).
     */
    public static Builder forServerBuilder(ServerBuilder<?> serverBuilder) {
        return new Builder(Objects.requireNonNull(serverBuilder, "serverBuilder"));
    }

    /** The registry of connected clients: wait for a quorum, sample, list. */
    public DefaultClientManager clientManager() {
        return clientManager;
    }

    /** The {@code Join} service. */
    public ClientManagerServicer servicer() {
        return servicer;
    }

    /** The running gRPC server. */
    public Server server() {
        return server;
    }

    /** The port the server listens on, or -1 for a transport without ports. */
    public int port() {
        return server.getPort();
    }

    /**
     * Sends every connected client {@code reconnect_ins{seconds: 0}}, which Flower clients and fedlink's
     * {@code ClientRunner} read as "training is over: disconnect and shut down", and waits for their answers, each
     * at most {@code timeout}.
     *
     * @return how many clients acknowledged (a client that hangs up right after the instruction counts)
     */
    public int disconnectAllClients(Duration timeout) throws InterruptedException {
        List<CompletableFuture<ClientMessage>> answers = new ArrayList<>();
        for (ClientProxy client : clientManager.all()) {
            answers.add(client.runAsync(DISCONNECT, timeout));
        }
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .get(timeout.plus(SHUTDOWN_BOUND).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // counted below: a client that failed or did not answer did not acknowledge
        }
        return (int) answers.stream().filter(answer -> answer.isDone() && !answer.isCompletedExceptionally()).count();
    }

    /**
     * Closes every client stream ("coordinator shutting down"), then shuts the server down, waiting at most 10
     * seconds before cutting what is left. Idempotent.
     */
    @Override
    public void close() {
        servicer.close();
        server.shutdown();
        try {
            if (!server.awaitTermination(SHUTDOWN_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(SHUTDOWN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "CoordinatorServer" + server.getListenSockets();
    }

    /** Configures a {@link CoordinatorServer}; {@link #start()} builds and starts it. */
    public static final class Builder {
        private final ServerBuilder<?> serverBuilder;
        private CoordinatorSettings settings = CoordinatorSettings.defaults();
        private ClientProxyFactory proxyFactory = DefaultClientProxy::new;
        private ClientAuthenticator authenticator;
        private File certificateChain;
        private File privateKey;
        private final List<ClientManagerListener> clientListeners = new ArrayList<>();
        private final List<InstructionListener> instructionListeners = new ArrayList<>();
        private Consumer<ServerBuilder<?>> customizer = builder -> { };
        private ScheduledExecutorService timer;

        private Builder(ServerBuilder<?> serverBuilder) {
            this.serverBuilder = serverBuilder;
        }

        /** Bounds, limits and keepalive (default {@link CoordinatorSettings#defaults()}). */
        public Builder settings(CoordinatorSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Makes the {@link ClientProxy} of each new client, for example {@code Participant::new}. */
        public Builder proxyFactory(ClientProxyFactory proxyFactory) {
            this.proxyFactory = Objects.requireNonNull(proxyFactory, "proxyFactory");
            return this;
        }

        /** Requires every client to pass {@code authenticator} (for example a {@code TokenAuthenticator}). */
        public Builder authenticator(ClientAuthenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** Serves TLS with a PEM certificate chain and its PEM (PKCS#8) private key. */
        public Builder useTransportSecurity(File certificateChain, File privateKey) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** Told of every registration and unregistration, from the first client on. */
        public Builder clientListener(ClientManagerListener listener) {
            clientListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Told of every instruction's outcome on every stream. */
        public Builder instructionListener(InstructionListener listener) {
            instructionListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Runs reply deadlines on {@code timer} instead of a thread of the coordinator's own (for example a timer a
         * test fires by hand); its tasks are short and never block. The caller shuts it down.
         */
        public Builder timer(ScheduledExecutorService timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        /** Has the last word on the gRPC server builder (interceptors, executors, ...). */
        public Builder configure(Consumer<ServerBuilder<?>> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Builds the coordinator and starts serving.
         *
         * @throws IOException if the server cannot bind its address (a port in use, say)
         */
        public CoordinatorServer start() throws IOException {
            DefaultClientManager clientManager = new DefaultClientManager(settings.quorumTimeout(), settings.maxClients());
            clientListeners.forEach(clientManager::addListener);
            ClientManagerServicer servicer = timer == null
                    ? new ClientManagerServicer(clientManager, proxyFactory, settings.streamSettings())
                    : new ClientManagerServicer(clientManager, proxyFactory, settings.streamSettings(), timer);
            servicer.setAuthenticator(authenticator);
            instructionListeners.forEach(servicer::addInstructionListener);
            settings.applyTo(serverBuilder);
            if (certificateChain != null) {
                serverBuilder.useTransportSecurity(certificateChain, privateKey);
            }
            serverBuilder.addService(servicer);
            customizer.accept(serverBuilder);
            Server server = serverBuilder.build();
            try {
                server.start();
            } catch (IOException | RuntimeException e) {
                servicer.close();
                throw e;
            }
            return new CoordinatorServer(clientManager, servicer, server);
        }
    }
}
