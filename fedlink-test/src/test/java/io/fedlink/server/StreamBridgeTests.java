package io.fedlink.server;

import static io.fedlink.test.TestMessages.evaluateIns;
import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fedlink.MessageTooLargeException;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The bridge's reply timeouts with a {@link ManualTimer}: the test fires each timeout on its own thread, so what
 * happens around it is the same on every run. And what instruction listeners (metrics) are told.
 */
class StreamBridgeTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private final ManualTimer timer = new ManualTimer();
    private final DefaultClientManager manager = new DefaultClientManager(BOUND, 10);
    private final List<String> instructionsHeard = new CopyOnWriteArrayList<>();
    private ClientManagerServicer servicer;
    private Server server;
    private ManagedChannel channel;
    private Connection connection;

    @AfterEach
    void stop() throws InterruptedException {
        if (connection != null) {
            connection.abort("test over");
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Starts an in-process coordinator with {@code policy} and connects one client; returns its proxy. */
    private ClientProxy connect(TimeoutPolicy policy) throws Exception {
        String name = "bridge-" + UUID.randomUUID();
        servicer = new ClientManagerServicer(manager, DefaultClientProxy::new, new StreamSettings(REPLY_TIMEOUT, policy),
                timer);
        servicer.addInstructionListener((client, instruction, outcome, duration, sent, received) ->
                instructionsHeard.add(instruction + " " + outcome + " sent=" + sent));
        server = InProcessServerBuilder.forName(name).directExecutor().addService(servicer).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        connection = new ConnectionTemplate(channel, 1024 * 1024, name).connect();
        return manager.getClients(1, BOUND).get(0);
    }

    private ServerMessage consume() throws InterruptedException {
        return connection.consume(BOUND).orElseThrow(() -> new AssertionError("no instruction within " + BOUND));
    }

    @Test
    void whenAReplyTimesOutUnderDropPolicyThenNoOneSeesTheStreamHalfWayThroughClosing() throws Exception {
        ClientProxy client = connect(TimeoutPolicy.DROP);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        consume();
        StreamBridge bridge = (StreamBridge) client.stream();

        // Whatever other threads do right when the timeout fires (the actuator reads the instruction in flight, the
        // round sends, the client's reply arrives), done here on the timer's own thread while it reports the timeout.
        List<Object> seen = new CopyOnWriteArrayList<>();
        Throwable[] failure = new Throwable[1];
        onBridgeWarning(message -> {
            try {
                seen.add(bridge.instructionInFlight());
                seen.add(bridge.isOpen());
                seen.add(catchThrowable(() -> bridge.send(evaluateIns(), REPLY_TIMEOUT).get()).getCause().getClass());
                bridge.onClientMessage(fitRes(3)); // a reply that arrives just too late
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        }, () -> assertThat(timer.fireAll()).isEqualTo(1));

        assertThat(failure[0]).as("a call made while the timeout is being handled").isNull();
        assertThat(seen).containsExactly(java.util.Optional.empty(), false, ClientDisconnectedException.class);
        assertThat(catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS)))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ClientReplyTimeoutException.class);
        assertThat(manager.numAvailable()).isZero();
        assertThat(client.stream().disconnectReason()).contains(DisconnectReason.REPLY_TIMEOUT);
    }

    @Test
    void whenAKeptClientNeverSendsItsLateReplyThenItIsDroppedAfterASecondReplyTimeout() throws Exception {
        ClientProxy client = connect(TimeoutPolicy.KEEP);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        consume();

        assertThat(timer.fireAll()).isEqualTo(1); // the reply timeout
        assertThat(catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS)).getCause())
                .isInstanceOf(ClientReplyTimeoutException.class);
        assertThat(client.isConnected()).as("kept after the first timeout").isTrue();
        assertThat(client.stream().instructionInFlight()).contains("fit_ins (timed out, awaiting late reply)");

        assertThat(timer.pending()).as("the wait for the late reply is bounded too").isEqualTo(1);
        timer.fireAll();
        assertThat(client.isConnected()).isFalse();
        assertThat(manager.numAvailable()).as("no longer counted toward a quorum").isZero();
        assertThat(client.stream().disconnectReason()).contains(DisconnectReason.REPLY_TIMEOUT);
        Throwable closed = catchThrowable(this::consume);
        assertThat(closed).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("DEADLINE_EXCEEDED")
                .hasMessageContaining("late reply to fit_ins");
    }

    @Test
    void whenAKeptClientSendsItsLateReplyInTimeThenItStaysAndTheLateReplyBoundIsCancelled() throws Exception {
        ClientProxy client = connect(TimeoutPolicy.KEEP);
        client.runAsync(fitIns(8));
        consume();
        timer.fireAll();
        connection.dispatch(fitRes(1)); // the late reply
        await("the late reply is absorbed").atMost(BOUND).until(() -> client.stream().instructionInFlight().isEmpty());
        assertThat(timer.pending()).isZero();
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void instructionListenersCountOnlyTheBytesOfInstructionsThatWereSent() throws Exception {
        ClientProxy client = connect(TimeoutPolicy.DROP);
        CompletableFuture<ClientMessage> first = client.runAsync(fitIns(1000));
        ServerMessage sent = consume();
        CompletableFuture<ClientMessage> busy = client.runAsync(evaluateIns());
        assertThat(catchThrowable(busy::get).getCause()).isInstanceOf(ClientBusyException.class);
        connection.dispatch(fitRes(2));
        first.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        CompletableFuture<ClientMessage> tooLarge = client.runAsync(fitIns(2 * 1024 * 1024));
        assertThat(catchThrowable(tooLarge::get).getCause()).isInstanceOf(MessageTooLargeException.class);
        client.stream().close("test closes the stream");
        CompletableFuture<ClientMessage> closed = client.runAsync(evaluateIns());
        assertThat(catchThrowable(closed::get).getCause()).isInstanceOf(ClientDisconnectedException.class);

        await("every outcome is reported").atMost(BOUND).until(() -> instructionsHeard.size() == 4);
        assertThat(instructionsHeard).containsExactlyInAnyOrder(
                "evaluate_ins ERROR sent=0", // busy: nothing went out
                "fit_ins OK sent=" + sent.getSerializedSize(),
                "fit_ins ERROR sent=0", // larger than the client accepts
                "evaluate_ins DISCONNECTED sent=0");
    }

    /** Runs {@code action} with {@code hook} called (on the logging thread) for every WARN the bridge logs. */
    private static void onBridgeWarning(Consumer<String> hook, Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(StreamBridge.class);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel() == Level.WARN) {
                    hook.accept(event.getFormattedMessage());
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
    }
}
