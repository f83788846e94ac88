package io.fedlink.test;

import io.fedlink.security.ClientAuthenticator;
import io.fedlink.server.ClientProxyFactory;
import io.fedlink.server.CoordinatorSettings;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.FlowControl;
import io.fedlink.server.InstructionListener;
import io.fedlink.server.Keepalive;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.ServerBuilder;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** Configures a {@link TestCoordinator}; {@link #start()} starts it. */
public final class TestCoordinatorBuilder {

    final boolean tcp;
    final CoordinatorSettings.Builder settings;
    int port;
    ClientProxyFactory proxyFactory = DefaultClientProxy::new;
    ClientAuthenticator authenticator;
    File certificateChain;
    File privateKey;
    final List<InstructionListener> instructionListeners = new ArrayList<>();
    Consumer<ServerBuilder<?>> customizer = serverBuilder -> { };
    ScheduledExecutorService timer;

    TestCoordinatorBuilder(boolean tcp) {
        this.tcp = tcp;
        this.settings = CoordinatorSettings.builder().quorumTimeout(TestCoordinator.BOUND).replyTimeout(Duration.ofSeconds(30));
        if (!tcp) {
            settings.keepalive(null);
        }
    }

    /** Bound of each instruction (default 30 s). */
    public TestCoordinatorBuilder replyTimeout(Duration replyTimeout) {
        settings.replyTimeout(replyTimeout);
        return this;
    }

    /** Bound of quorum waits that name none (default 10 s). */
    public TestCoordinatorBuilder quorumTimeout(Duration quorumTimeout) {
        settings.quorumTimeout(quorumTimeout);
        return this;
    }

    /** DROP (default, as Flower) or KEEP a client that missed its reply deadline. */
    public TestCoordinatorBuilder timeoutPolicy(TimeoutPolicy timeoutPolicy) {
        settings.timeoutPolicy(timeoutPolicy);
        return this;
    }

    public TestCoordinatorBuilder maxClients(int maxClients) {
        settings.maxClients(maxClients);
        return this;
    }

    /** Largest message a client may send, in bytes (default 512 MiB). */
    public TestCoordinatorBuilder maxMessageSize(int bytes) {
        settings.maxMessageSize(bytes);
        return this;
    }

    /** The server's keepalive over TCP (default {@link Keepalive#defaults()}); the in-process transport has none. */
    public TestCoordinatorBuilder keepalive(Keepalive keepalive) {
        requireTcp("keepalive");
        settings.keepalive(Objects.requireNonNull(keepalive, "keepalive"));
        return this;
    }

    /** The TCP port on 127.0.0.1 (default 0: a free one). */
    public TestCoordinatorBuilder port(int port) {
        requireTcp("port");
        this.port = port;
        return this;
    }

    public TestCoordinatorBuilder proxyFactory(ClientProxyFactory proxyFactory) {
        this.proxyFactory = Objects.requireNonNull(proxyFactory, "proxyFactory");
        return this;
    }

    public TestCoordinatorBuilder authenticator(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
        return this;
    }

    /** Serves TLS over TCP; {@link TestCoordinator#newChannel()} then trusts {@code certificateChain}. */
    public TestCoordinatorBuilder useTransportSecurity(File certificateChain, File privateKey) {
        requireTcp("useTransportSecurity");
        this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        return this;
    }

    /** The send budget and the large replies received at once (default {@link FlowControl#defaults()}). */
    public TestCoordinatorBuilder flowControl(FlowControl flowControl) {
        settings.flowControl(Objects.requireNonNull(flowControl, "flowControl"));
        return this;
    }

    /** Runs reply deadlines on {@code timer}, for example one the test fires by hand; the test shuts it down. */
    public TestCoordinatorBuilder timer(ScheduledExecutorService timer) {
        this.timer = Objects.requireNonNull(timer, "timer");
        return this;
    }

    public TestCoordinatorBuilder instructionListener(InstructionListener listener) {
        instructionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Has the last word on the gRPC server builder (interceptors, say). */
    public TestCoordinatorBuilder configure(Consumer<ServerBuilder<?>> customizer) {
        this.customizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    public TestCoordinator start() {
        return new TestCoordinator(this);
    }

    private void requireTcp(String option) {
        if (!tcp) {
            throw new IllegalStateException(option + " applies to a TCP coordinator: use TestCoordinator.tcp()");
        }
    }
}
