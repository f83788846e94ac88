package io.fedlink.interop;

import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A fedlink coordinator for the interop tests: the real {@link ClientManagerServicer} on a plain grpc-java
 * Netty server, TCP 127.0.0.1 port 0. All server set-up lives here so it can be swapped for the Spring Boot
 * application once the auto-configuration lands; the settings mirror what the auto-configuration applies
 * (512 MiB inbound messages, explicit keepalive and permit-keepalive).
 */
final class TestCoordinator implements AutoCloseable {

    /** Flower's message limit, fedlink's default: 512 MiB. */
    static final int MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

    private final Server server;
    private final DefaultClientManager clientManager;
    private final ClientManagerServicer servicer;
    private final ScheduledExecutorService timer;

    private TestCoordinator(Server server, DefaultClientManager clientManager, ClientManagerServicer servicer,
                            ScheduledExecutorService timer) {
        this.server = server;
        this.clientManager = clientManager;
        this.servicer = servicer;
        this.timer = timer;
    }

    static Builder builder() {
        return new Builder();
    }

    /** A plaintext coordinator with the default settings. */
    static TestCoordinator start() {
        return builder().start();
    }

    DefaultClientManager clientManager() {
        return clientManager;
    }

    int port() {
        return server.getPort();
    }

    /** host:port for a plaintext or TLS client (the test certificate names 127.0.0.1). */
    String target() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            servicer.closeAll("test over");
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        } finally {
            timer.shutdownNow();
        }
    }

    static final class Builder {
        private Duration replyTimeout = Duration.ofSeconds(120);
        private TimeoutPolicy timeoutPolicy = TimeoutPolicy.DROP;
        private int maxInboundMessageBytes = MAX_MESSAGE_BYTES;
        private boolean permitKeepAlive = true;
        private Duration keepAliveTime = Duration.ofSeconds(210);
        private SelfSignedCertificate certificate;

        Builder replyTimeout(Duration replyTimeout) {
            this.replyTimeout = replyTimeout;
            return this;
        }

        Builder timeoutPolicy(TimeoutPolicy timeoutPolicy) {
            this.timeoutPolicy = timeoutPolicy;
            return this;
        }

        /** Only to show what grpc-java's defaults would do: the coordinator's own default is 512 MiB. */
        Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /**
         * Whether clients may ping every 5 s, even with no call open (fedlink's setting); without it grpc-java only
         * tolerates a ping every 5 minutes and answers more frequent ones with GOAWAY "too_many_pings".
         */
        Builder permitKeepAlive(boolean permit) {
            this.permitKeepAlive = permit;
            return this;
        }

        /** How often the server pings an idle client (Flower: 210 s). */
        Builder keepAliveTime(Duration keepAliveTime) {
            this.keepAliveTime = keepAliveTime;
            return this;
        }

        /** Serve TLS with this certificate. */
        Builder tls(SelfSignedCertificate certificate) {
            this.certificate = certificate;
            return this;
        }

        TestCoordinator start() {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "fedlink-reply-timeouts");
                thread.setDaemon(true);
                return thread;
            });
            DefaultClientManager clientManager = new DefaultClientManager(Duration.ofSeconds(60), 1000);
            ClientManagerServicer servicer = new ClientManagerServicer(clientManager, DefaultClientProxy::new,
                    new StreamSettings(replyTimeout, timeoutPolicy), timer);
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(servicer)
                    .maxInboundMessageSize(maxInboundMessageBytes)
                    .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(20, TimeUnit.SECONDS);
            if (permitKeepAlive) {
                builder.permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
            }
            try {
                if (certificate != null) {
                    builder.sslContext(GrpcSslContexts.configure(
                            SslContextBuilder.forServer(certificate.keyManagerFactory())).build());
                }
                return new TestCoordinator(builder.build().start(), clientManager, servicer, timer);
            } catch (SSLException e) {
                timer.shutdownNow();
                throw new IllegalStateException("Cannot build the TLS context from " + certificate, e);
            } catch (IOException e) {
                timer.shutdownNow();
                throw new IllegalStateException("Cannot start the coordinator on 127.0.0.1", e);
            }
        }
    }
}
