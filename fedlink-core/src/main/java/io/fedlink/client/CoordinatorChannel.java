package io.fedlink.client;

import io.fedlink.security.BearerTokenCredentials;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A client's way to a fedlink or Flower coordinator without Spring: one gRPC channel, the
 * {@link ConnectionTemplate} over it and {@link ClientRunner}s that keep a {@link FederatedClient} connected.
 *
 * <pre>{@code
 * try (CoordinatorChannel coordinator = CoordinatorChannel.forTarget("127.0.0.1:9090").usePlaintext().build()) {
 *     coordinator.runner(new Trainer()).run(); // answers until the coordinator ends training
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} stops the runners made here, then the channel, bounded.
 */
public final class CoordinatorChannel implements AutoCloseable {

    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);

    private final ManagedChannel channel;
    private final ConnectionTemplate connectionTemplate;
    private final ClientRunnerSettings runnerSettings;
    private final List<ClientRunner> runners = new CopyOnWriteArrayList<>();

    private CoordinatorChannel(ManagedChannel channel, ConnectionTemplate connectionTemplate,
                               ClientRunnerSettings runnerSettings) {
        this.channel = channel;
        this.connectionTemplate = connectionTemplate;
        this.runnerSettings = runnerSettings;
    }

    /** A channel to {@code host:port} over TCP; TLS unless {@link Builder#usePlaintext()}. */
    public static Builder forTarget(String target) {
        Objects.requireNonNull(target, "target");
        return new Builder(NettyChannelBuilder.forTarget(target), null, target);
    }

    /**
     * Wraps a channel made elsewhere (for example grpc-java's in-process channel in tests); {@link #close()} shuts it
     * down. {@code target} names the coordinator in error messages.
     */
    public static Builder forChannel(ManagedChannel channel, String target) {
        return new Builder(null, Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(target, "target"));
    }

    /** Opens {@code Join} streams over this channel. */
    public ConnectionTemplate connectionTemplate() {
        return connectionTemplate;
    }

    /** A new runner (not started: call {@code run()} or {@code start()}) answering with {@code client}. */
    public ClientRunner runner(FederatedClient client) {
        return runner(client, new ClientRunnerListener() { });
    }

    /** As {@link #runner(FederatedClient)}, telling {@code listener} of connects, disconnects and reconnect delays. */
    public ClientRunner runner(FederatedClient client, ClientRunnerListener listener) {
        ClientRunner runner = new ClientRunner(connectionTemplate, client, runnerSettings, listener);
        runners.add(runner);
        return runner;
    }

    /** The gRPC channel. */
    public ManagedChannel channel() {
        return channel;
    }

    /** The coordinator's address. */
    public String target() {
        return connectionTemplate.target();
    }

    /** Stops every runner made here (each bounded by {@link ClientRunner#stop()}), then shuts the channel down. */
    @Override
    public void close() {
        runners.forEach(ClientRunner::stop);
        channel.shutdownNow();
        try {
            channel.awaitTermination(SHUTDOWN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "CoordinatorChannel[" + target() + "]";
    }

    /** Configures a {@link CoordinatorChannel}. */
    public static final class Builder {
        private final NettyChannelBuilder netty;
        private final ManagedChannel channel;
        private final String target;
        private int maxMessageSize = MessageSizeHeader.DEFAULT_LIMIT;
        private String bearerToken;
        private ClientRunnerSettings runnerSettings = ClientRunnerSettings.defaults();

        private Builder(NettyChannelBuilder netty, ManagedChannel channel, String target) {
            this.netty = netty;
            this.channel = channel;
            this.target = target;
        }

        /** No TLS: for a coordinator that serves plaintext (stock Flower servers do by default). */
        public Builder usePlaintext() {
            tcp("usePlaintext").usePlaintext();
            return this;
        }

        /** TLS trusting the PEM certificates in {@code pem} (the coordinator's CA or self-signed certificate). */
        public Builder trustCertificates(File pem) {
            try {
                tcp("trustCertificates").sslContext(GrpcSslContexts.forClient().trustManager(pem).build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Cannot trust the certificates in " + pem + ": " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Pings the coordinator after {@code time} without traffic and gives up on it after {@code timeout} without
         * an answer, so a coordinator that vanished without closing the connection is noticed. Keep {@code time} at
         * or above what the coordinator permits (fedlink: 10s; a Flower server: 5 minutes).
         */
        public Builder keepalive(Duration time, Duration timeout) {
            tcp("keepalive").keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
                    .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return this;
        }

        /** Largest message in bytes accepted from the coordinator (default 512 MiB, as Flower). */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1 byte, was " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} on every stream (a coordinator's token authentication). */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Hand-shake and reconnect backoff of the runners (default {@link ClientRunnerSettings#defaults()}). */
        public Builder runnerSettings(ClientRunnerSettings runnerSettings) {
            this.runnerSettings = Objects.requireNonNull(runnerSettings, "runnerSettings");
            return this;
        }

        public CoordinatorChannel build() {
            ManagedChannel built = channel != null ? channel : netty.build();
            ConnectionTemplate template = new ConnectionTemplate(built, maxMessageSize, target,
                    bearerToken == null ? null : new BearerTokenCredentials(bearerToken));
            return new CoordinatorChannel(built, template, runnerSettings);
        }

        private NettyChannelBuilder tcp(String option) {
            if (netty == null) {
                throw new IllegalStateException(option + "() configures a channel this builder makes; the channel to "
                        + target + " was given ready-made, so configure it where it is built");
            }
            return netty;
        }
    }
}
