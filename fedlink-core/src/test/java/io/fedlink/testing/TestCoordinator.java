package io.fedlink.testing;

import io.fedlink.client.ConnectionTemplate;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxyFactory;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.FlowControl;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real coordinator for tests: the fedlink servicer and registry on an in-process or TCP (127.0.0.1, random port)
 * gRPC server, plus channels to it. Close it to stop everything it started.
 */
public final class TestCoordinator implements AutoCloseable {

    public static final int MAX_MESSAGE = 512 * 1024 * 1024;

    private final DefaultClientManager manager;
    private final ClientManagerServicer servicer;
    private final Server server;
    private final String inProcessName;
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

    private TestCoordinator(Builder builder) {
        this.manager = new DefaultClientManager(builder.quorumTimeout, builder.maxClients);
        StreamSettings settings = new StreamSettings(builder.replyTimeout, builder.policy, builder.maxInboundMessageSize,
                builder.flowControl);
        this.servicer = builder.timer == null ? new ClientManagerServicer(manager, builder.proxyFactory, settings)
                : new ClientManagerServicer(manager, builder.proxyFactory, settings, builder.timer);
        ServerBuilder<?> serverBuilder;
        if (builder.tcp) {
            this.inProcessName = null;
            serverBuilder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        } else {
            this.inProcessName = "fedlink-test-" + UUID.randomUUID();
            serverBuilder = InProcessServerBuilder.forName(inProcessName);
        }
        serverBuilder.addService(servicer).maxInboundMessageSize(builder.maxInboundMessageSize);
        builder.customizer.accept(serverBuilder);
        try {
            this.server = serverBuilder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder inProcess() {
        return new Builder(false);
    }

    public static Builder tcp() {
        return new Builder(true);
    }

    public DefaultClientManager manager() {
        return manager;
    }

    public ClientManagerServicer servicer() {
        return servicer;
    }

    /** The TCP port, for a TCP coordinator. */
    public int port() {
        return server.getPort();
    }

    /** A new channel (for TCP: a new connection) to this coordinator. */
    public ManagedChannel newChannel() {
        ManagedChannel channel = inProcessName != null
                ? InProcessChannelBuilder.forName(inProcessName).directExecutor().build()
                : NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    /** A connection template over a new channel, accepting messages up to 512 MiB. */
    public ConnectionTemplate connectionTemplate() {
        return connectionTemplate(MAX_MESSAGE);
    }

    public ConnectionTemplate connectionTemplate(int maxMessageSize) {
        return new ConnectionTemplate(newChannel(), maxMessageSize, inProcessName != null ? inProcessName : "127.0.0.1:" + port());
    }

    @Override
    public void close() throws InterruptedException {
        servicer.close();
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    public static final class Builder {
        private final boolean tcp;
        private Duration replyTimeout = Duration.ofSeconds(30);
        private Duration quorumTimeout = Duration.ofSeconds(10);
        private TimeoutPolicy policy = TimeoutPolicy.DROP;
        private int maxClients = 100_000;
        private int maxInboundMessageSize = MAX_MESSAGE;
        private ClientProxyFactory proxyFactory = DefaultClientProxy::new;
        private Consumer<ServerBuilder<?>> customizer = builder -> { };
        private FlowControl flowControl = FlowControl.defaults();
        private ScheduledExecutorService timer;

        private Builder(boolean tcp) {
            this.tcp = tcp;
        }

        public Builder replyTimeout(Duration value) {
            this.replyTimeout = value;
            return this;
        }

        public Builder quorumTimeout(Duration value) {
            this.quorumTimeout = value;
            return this;
        }

        public Builder policy(TimeoutPolicy value) {
            this.policy = value;
            return this;
        }

        public Builder maxClients(int value) {
            this.maxClients = value;
            return this;
        }

        public Builder maxInboundMessageSize(int value) {
            this.maxInboundMessageSize = value;
            return this;
        }

        public Builder proxyFactory(ClientProxyFactory value) {
            this.proxyFactory = value;
            return this;
        }

        public Builder flowControl(FlowControl value) {
            this.flowControl = value;
            return this;
        }

        /** Runs reply deadlines on {@code value} (for example a timer the test fires by hand). */
        public Builder timer(ScheduledExecutorService value) {
            this.timer = value;
            return this;
        }

        public Builder customize(Consumer<ServerBuilder<?>> value) {
            this.customizer = value;
            return this;
        }

        public TestCoordinator start() {
            return new TestCoordinator(this);
        }
    }
}
