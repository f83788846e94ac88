package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.fedlink.client.ClientRunnerStatus.Phase;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientDisconnectedException;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.fedlink.test.TestMessages;
import io.fedlink.test.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClientRunnerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Parameters WEIGHTS = Parameters.newBuilder()
            .addTensors(ByteString.copyFromUtf8("weights")).setTensorType("numpy.ndarray").build();

    @RegisterExtension
    final TestResources resources = new TestResources();

    // --- answering instructions -----------------------------------------------------------------------------

    @Test
    void answersEveryInstructionWithTheMatchingReplyCase() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 0), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        GetPropertiesRes properties = client.getProperties(GetPropertiesIns.newBuilder()
                .putConfig("ask", Scalar.newBuilder().setString("cores").build()).build());
        GetParametersRes parameters = client.getParameters(GetParametersIns.getDefaultInstance());
        FitRes fit = client.fit(FitIns.newBuilder().setParameters(WEIGHTS)
                .putConfig("round", Scalar.newBuilder().setSint64(3).build()).build());
        EvaluateRes evaluate = client.evaluate(EvaluateIns.newBuilder().setParameters(WEIGHTS).build());

        assertThat(properties.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(properties.getPropertiesMap().get("answer").getString()).isEqualTo("cores");
        assertThat(parameters.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(parameters.getParameters()).isEqualTo(WEIGHTS);
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(fit.getParameters()).isEqualTo(WEIGHTS);
        assertThat(fit.getNumExamples()).isEqualTo(7);
        assertThat(fit.getMetricsMap().get("round").getSint64()).isEqualTo(3);
        assertThat(evaluate.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(evaluate.getLoss()).isEqualTo(0.25f);
        assertThat(evaluate.getNumExamples()).isEqualTo(3);
        assertThat(client.isConnected()).isTrue();
        // The runner counts a reply once it is handed to the stream, just after the coordinator may have it.
        await("4 instructions answered").atMost(WAIT).until(() -> runner.status().instructionsAnswered() == 4);
    }

    @Test
    void unimplementedMethodsAreAnsweredInBandWithTheirNotImplementedCode() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        start(coordinator, new FederatedClient() {
        }, settings(false, 0), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        assertThat(client.getProperties(GetPropertiesIns.getDefaultInstance()).getStatus().getCode())
                .isEqualTo(Code.GET_PROPERTIES_NOT_IMPLEMENTED);
        assertThat(client.getParameters(GetParametersIns.getDefaultInstance()).getStatus().getCode())
                .isEqualTo(Code.GET_PARAMETERS_NOT_IMPLEMENTED);
        FitRes fit = client.fit(FitIns.newBuilder().setParameters(WEIGHTS).build());
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(fit.getStatus().getMessage()).contains("override FederatedClient.fit(FitIns)");
        assertThat(client.evaluate(EvaluateIns.getDefaultInstance()).getStatus().getCode())
                .isEqualTo(Code.EVALUATE_NOT_IMPLEMENTED);
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void aHandlerThatThrowsIsAnsweredWithANonOkStatusAndTheStreamKeepsServing() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        ClientRunner runner = start(coordinator, new EchoClient() {
            @Override
            public FitRes fit(FitIns ins) {
                throw new IllegalStateException("out of GPU memory");
            }
        }, settings(false, 0), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        FitRes failed = client.fit(FitIns.newBuilder().setParameters(WEIGHTS).build());
        EvaluateRes next = client.evaluate(EvaluateIns.newBuilder().setParameters(WEIGHTS).build());

        assertThat(failed.getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(failed.getStatus().getMessage())
                .isEqualTo("client error: java.lang.IllegalStateException: out of GPU memory");
        assertThat(next.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(client.isConnected()).isTrue();
        assertThat(runner.status().sessions()).isEqualTo(1);
    }

    // --- hand-shake -----------------------------------------------------------------------------------------

    @Test
    void sendsNoHandshakeByDefault() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        assertThat(ClientRunnerSettings.defaults().sendHandshake()).isFalse();
        start(coordinator, new EchoClient(), new ClientRunnerSettings(false, fastBackoff(0)), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        FitRes fit = client.fit(FitIns.newBuilder().setParameters(WEIGHTS).build());

        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        // A hand-shake would have reached the coordinator before the reply on the same stream.
        assertThat(coordinator.handshakes()).isZero();
    }

    @Test
    void sendsOneEmptyMessageFirstWhenHandshakeIsOnAndTheCoordinatorStillServesIt() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        start(coordinator, new EchoClient(), settings(true, 0), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        FitRes fit = client.fit(FitIns.newBuilder().setParameters(WEIGHTS).build());
        EvaluateRes evaluate = client.evaluate(EvaluateIns.newBuilder().setParameters(WEIGHTS).build());

        assertThat(coordinator.handshakes()).isEqualTo(1);
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(evaluate.getStatus().getCode()).isEqualTo(Code.OK);
    }

    // --- reconnect_ins --------------------------------------------------------------------------------------

    @Test
    void onReconnectInsRepliesHangsUpAndComesBackAfterTheGivenSeconds() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 0), listener);
        ClientProxy first = coordinator.nextClient();
        listener.await("connected 1");

        ClientMessage.DisconnectRes reply = first.reconnect(1);
        long repliedAt = System.nanoTime();
        DisconnectReason left = coordinator.nextUnregistration();
        ClientProxy second = coordinator.nextClient();
        long backAfter = System.nanoTime() - repliedAt;

        assertThat(reply.getReason()).isEqualTo(Reason.RECONNECT);
        assertThat(left).isEqualTo(DisconnectReason.RECONNECT);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(Duration.ofNanos(backAfter)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(listener.await("connected 2")).isNotNull();
        assertThat(listener.events()).containsSubsequence("connected 1", "disconnected", "reconnecting 0",
                "connected 2");
        assertThat(listener.delays).containsExactly(Duration.ofSeconds(1));
        assertThat(second.fit(FitIns.newBuilder().setParameters(WEIGHTS).build()).getStatus().getCode())
                .isEqualTo(Code.OK);
        assertThat(runner.status().sessions()).isEqualTo(2);
    }

    @Test
    void onReconnectInsWithZeroSecondsTheRunnerShutsDownAsFlowerClientsDo() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 0), listener);
        ClientProxy first = coordinator.nextClient();

        assertThat(first.reconnect(0).getReason()).isEqualTo(Reason.RECONNECT);

        assertThat(runner.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(runner.termination()).isCompleted();
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertThat(listener.delays).isEmpty();
        assertThat(runner.status().sessions()).isEqualTo(1);
    }

    @Test
    void onReconnectInsWithOneSecondComesBack() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        start(coordinator, new EchoClient(), settings(false, 0), listener);
        ClientProxy first = coordinator.nextClient();

        assertThat(first.reconnect(1).getReason()).isEqualTo(Reason.RECONNECT);
        ClientProxy second = coordinator.nextClient();

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(listener.delays).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void anAbsurdReconnectDelayIsHonouredWithoutOverflowAndStopStillEndsTheWait() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 0), listener);
        ClientProxy client = coordinator.nextClient();

        assertThat(client.reconnect(Long.MAX_VALUE).getReason()).isEqualTo(Reason.RECONNECT);
        listener.await("reconnecting 0");
        await("runner waiting to reconnect").atMost(WAIT)
                .until(() -> runner.status().phase() == Phase.WAITING_TO_RECONNECT);

        assertThat(listener.delays).containsExactly(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(runner.stop(WAIT)).isTrue();
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
    }

    // --- coordinator going away -----------------------------------------------------------------------------

    @Test
    void whenTheCoordinatorRestartsOnTheSamePortTheRunnerReconnectsByItselfWithBackoff() throws Exception {
        TestCoordinator coordinator = tcpCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 1000), listener);
        ClientProxy first = coordinator.nextClient();
        assertThat(first.fit(FitIns.newBuilder().setParameters(WEIGHTS).build()).getStatus().getCode())
                .isEqualTo(Code.OK);

        coordinator.shutdown();
        assertThat(listener.await("disconnected: ConnectionClosedException")).isNotNull();
        assertThat(listener.await("connectFailed")).isNotNull(); // it retries (and fails) while the port is closed
        coordinator.restart();
        ClientProxy second = coordinator.nextClient(Duration.ofSeconds(30));

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.evaluate(EvaluateIns.newBuilder().setParameters(WEIGHTS).build()).getStatus().getCode())
                .isEqualTo(Code.OK);
        assertThat(listener.events()).containsSubsequence("connected 1", "disconnected: ConnectionClosedException",
                "reconnecting 0", "connectFailed", "reconnecting 1", "connected 2");
        // Reset by the evaluate answered in the new session (counted just after the coordinator may have it).
        await("failed attempts reset").atMost(WAIT).until(() -> runner.status().failedAttempts() == 0);
        ClientRunnerStatus status = runner.status();
        assertThat(status.phase()).isEqualTo(Phase.CONNECTED);
        assertThat(status.sessions()).isEqualTo(2);
        assertThat(status.lastError()).isInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void whenTheBoundIsExhaustedRunEndsWithAnErrorNamingTheTargetAndAttempts() throws Exception {
        TestCoordinator coordinator = tcpCoordinator();
        coordinator.shutdown(); // nothing listens on the port any more: connections are refused
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = new ClientRunner(coordinator.connectionTemplate(), new EchoClient(), settings(false, 3),
                listener);
        resources.register(runner::stop);

        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                runner.run();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Throwable thrown = outcome.get(30, TimeUnit.SECONDS);

        assertThat(thrown).isInstanceOf(ReconnectAttemptsExhaustedException.class)
                .hasMessageContaining("coordinator " + coordinator.target())
                .hasMessageContaining("3 attempt(s) in a row")
                .hasMessageContaining("raise Backoff.maxAttempts (0 retries forever)")
                .hasMessageContaining("Connection refused")
                .hasCauseInstanceOf(ConnectionClosedException.class);
        ReconnectAttemptsExhaustedException exhausted = (ReconnectAttemptsExhaustedException) thrown;
        assertThat(exhausted.target()).isEqualTo(coordinator.target());
        assertThat(exhausted.attempts()).isEqualTo(3);
        assertThat(runner.status().phase()).isEqualTo(Phase.GAVE_UP);
        assertThat(runner.status().failedAttempts()).isEqualTo(3);
        assertThat(runner.status().sessions()).isZero();
        assertThat(listener.events()).containsExactly("connectFailed", "reconnecting 1", "connectFailed",
                "reconnecting 2", "connectFailed");
        assertThat(runner.termination()).isCompletedExceptionally();
    }

    @Test
    void whenStartedAndTheBoundIsExhaustedTheTerminationFutureFails() throws Exception {
        TestCoordinator coordinator = tcpCoordinator();
        coordinator.shutdown();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 2), new RecordingListener());

        assertThatThrownBy(() -> runner.termination().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ReconnectAttemptsExhaustedException.class);
        assertThat(runner.status().phase()).isEqualTo(Phase.GAVE_UP);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aReplyLargerThanTheCoordinatorAcceptsIsAnsweredWithANonOkStatusNamingTheLimitAndTheRunnerKeepsServing(
            Transport transport) throws Exception {
        TestCoordinator coordinator = resources.register(transport.coordinator().maxMessageSize(64 * 1024).start());
        FederatedClient sized = new EchoClient() {
            @Override
            public FitRes fit(FitIns ins) {
                int bytes = (int) ins.getConfigOrThrow("bytes").getSint64();
                return FitRes.newBuilder().setParameters(TestMessages.parameters(bytes)).setNumExamples(1).build();
            }
        };
        ClientRunner runner = start(coordinator, sized, settings(false, 0), new RecordingListener());
        ClientProxy client = coordinator.nextClient();

        FitRes refused = client.fit(FitIns.newBuilder()
                .putConfig("bytes", Scalar.newBuilder().setSint64(1024 * 1024).build()).build());
        assertThat(refused.getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(refused.getStatus().getMessage()).startsWith(InstructionDispatcher.CLIENT_ERROR_PREFIX)
                .contains("the coordinator accepts at most 65536 bytes")
                .contains("raise maxMessageSize on the coordinator"); // the runtime names settings its own way

        FitRes next = client.fit(FitIns.newBuilder()
                .putConfig("bytes", Scalar.newBuilder().setSint64(1024).build()).build());
        assertThat(next.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(client.isConnected()).isTrue();
        assertThat(runner.status().phase()).isEqualTo(Phase.CONNECTED);
        assertThat(runner.status().sessions()).isEqualTo(1);
    }

    // --- stop -----------------------------------------------------------------------------------------------

    @Test
    void stopWhileConsumingEndsTheLoopAndTheCoordinatorSeesTheClientLeave() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient(), settings(false, 0), listener);
        coordinator.nextClient();
        listener.await("connected 1");

        assertThat(runner.stop(WAIT)).isTrue();

        assertThat(coordinator.nextUnregistration()).isIn(DisconnectReason.CANCELLED, DisconnectReason.CLIENT_COMPLETED);
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertThat(runner.termination()).isCompleted().isNotCompletedExceptionally();
        assertThat(listener.events()).endsWith("disconnected");
        assertNoThreadLeft(listener);
        assertThat(runner.stop()).isTrue(); // idempotent
    }

    @Test
    void stopWhileBackingOffEndsTheWaitAtOnce() throws Exception {
        TestCoordinator coordinator = tcpCoordinator();
        coordinator.shutdown();
        RecordingListener listener = new RecordingListener();
        Backoff oneMinute = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1), 2.0, 0.0, 0);
        ClientRunner runner = start(coordinator, new EchoClient(), new ClientRunnerSettings(false, oneMinute), listener);
        listener.await("reconnecting 1");
        await("runner waiting to reconnect").atMost(WAIT)
                .until(() -> runner.status().phase() == Phase.WAITING_TO_RECONNECT);

        assertThat(runner.stop(WAIT)).isTrue();

        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertNoThreadLeft(listener);
    }

    @Test
    void stopWhileAHandlerRunsInterruptsItAndEndsTheLoop() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient() {
            @Override
            public FitRes fit(FitIns ins) {
                entered.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("training interrupted", e);
                }
                return super.fit(ins);
            }
        }, settings(false, 0), listener);
        ClientProxy client = coordinator.nextClient();
        CompletableFuture<ClientMessage> reply = client.runAsync(
                ServerMessage.newBuilder().setFitIns(FitIns.newBuilder().setParameters(WEIGHTS)).build());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runner.stop(WAIT)).isTrue();

        assertThat(interrupted).isTrue();
        assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClientDisconnectedException.class);
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertNoThreadLeft(listener);
    }

    @Test
    void stopReportsFalseWhileAHandlerIgnoresTheInterruptAndTheLoopEndsWhenItReturns() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = start(coordinator, new EchoClient() {
            @Override
            public FitRes fit(FitIns ins) {
                entered.countDown();
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // deliberately ignored: a stubborn training loop
                    }
                }
                return super.fit(ins);
            }
        }, settings(false, 0), listener);
        ClientProxy client = coordinator.nextClient();
        client.runAsync(ServerMessage.newBuilder().setFitIns(FitIns.newBuilder().setParameters(WEIGHTS)).build());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(runner.stop(Duration.ofMillis(300))).isFalse();
        assertThat(runner.status().phase().isTerminal()).isFalse();
        release.countDown();

        assertThat(runner.awaitTermination(WAIT)).isTrue();
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertNoThreadLeft(listener);
    }

    @Test
    void runBlocksTheCallerUntilStoppedFromAnotherThreadAndLeavesNoInterruptBehind() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = new ClientRunner(coordinator.connectionTemplate(), new EchoClient(), settings(false, 0),
                listener);
        resources.register(runner::stop);
        CompletableFuture<Boolean> interruptedAfterRun = new CompletableFuture<>();
        Thread caller = runOnCallerThread(runner, interruptedAfterRun);
        coordinator.nextClient();
        listener.await("connected 1");
        assertThat(interruptedAfterRun).isNotDone();

        assertThat(runner.stop(WAIT)).isTrue();

        assertThat(interruptedAfterRun.get(10, TimeUnit.SECONDS)).isFalse();
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
    }

    @Test
    void anInterruptOfTheThreadThatCalledRunEndsTheLoopAndIsKept() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        RecordingListener listener = new RecordingListener();
        ClientRunner runner = new ClientRunner(coordinator.connectionTemplate(), new EchoClient(), settings(false, 0),
                listener);
        resources.register(runner::stop);
        CompletableFuture<Boolean> interruptedAfterRun = new CompletableFuture<>();
        Thread caller = runOnCallerThread(runner, interruptedAfterRun);
        listener.await("connected 1");

        caller.interrupt();

        assertThat(interruptedAfterRun.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
        assertThat(coordinator.nextUnregistration()).isNotNull();
    }

    @Test
    void aRunnerIsSingleUse() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        ClientRunner stoppedBeforeStart = new ClientRunner(coordinator.connectionTemplate(), new EchoClient(),
                ClientRunnerSettings.defaults());
        assertThat(stoppedBeforeStart.stop()).isTrue();
        assertThat(stoppedBeforeStart.status().phase()).isEqualTo(Phase.STOPPED);
        assertThatThrownBy(stoppedBeforeStart::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("single-use").hasMessageContaining(coordinator.target());

        ClientRunner started = start(coordinator, new EchoClient(), settings(false, 0), new RecordingListener());
        assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("single-use");
        assertThatThrownBy(started::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("single-use");
    }

    @Test
    void aFailingListenerDoesNotDisturbTheRunner() throws Exception {
        TestCoordinator coordinator = inProcessCoordinator();
        start(coordinator, new EchoClient(), settings(false, 0), new ClientRunnerListener() {
            @Override
            public void connected(String target, int session) {
                throw new IllegalStateException("listener bug");
            }
        });
        ClientProxy client = coordinator.nextClient();

        assertThat(client.fit(FitIns.newBuilder().setParameters(WEIGHTS).build()).getStatus().getCode())
                .isEqualTo(Code.OK);
    }

    // --- fixtures -------------------------------------------------------------------------------------------

    private TestCoordinator inProcessCoordinator() {
        return resources.register(TestCoordinator.inProcess().start());
    }

    private TestCoordinator tcpCoordinator() {
        return resources.register(TestCoordinator.tcp().start());
    }

    private ClientRunner start(TestCoordinator coordinator, FederatedClient client, ClientRunnerSettings settings,
                               ClientRunnerListener listener) {
        ClientRunner runner = new ClientRunner(coordinator.connectionTemplate(), client, settings, listener);
        resources.register(runner::stop);
        runner.start();
        return runner;
    }

    /** Calls {@code runner.run()} on a thread of its own; completes with whether that thread was interrupted after. */
    private static Thread runOnCallerThread(ClientRunner runner, CompletableFuture<Boolean> interruptedAfterRun) {
        Thread caller = new Thread(() -> {
            runner.run();
            interruptedAfterRun.complete(Thread.currentThread().isInterrupted());
        }, "caller");
        caller.start();
        return caller;
    }

    private static ClientRunnerSettings settings(boolean handshake, int maxAttempts) {
        return new ClientRunnerSettings(handshake, fastBackoff(maxAttempts));
    }

    private static Backoff fastBackoff(int maxAttempts) {
        return new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.5, maxAttempts);
    }

    private static void assertNoThreadLeft(RecordingListener listener) throws InterruptedException {
        Thread thread = listener.runnerThread;
        assertThat(thread).as("runner thread seen by the listener").isNotNull();
        thread.join(10_000);
        assertThat(thread.isAlive()).as("runner thread alive").isFalse();
    }

    /** Answers everything: properties echo the "ask" config, fit returns its input, evaluate a fixed loss. */
    static class EchoClient implements FederatedClient {
        @Override
        public GetPropertiesRes getProperties(GetPropertiesIns ins) {
            return GetPropertiesRes.newBuilder()
                    .putProperties("answer", ins.getConfigOrDefault("ask", Scalar.getDefaultInstance()))
                    .build();
        }

        @Override
        public GetParametersRes getParameters(GetParametersIns ins) {
            return GetParametersRes.newBuilder().setParameters(WEIGHTS).build();
        }

        @Override
        public FitRes fit(FitIns ins) {
            return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(7)
                    .putAllMetrics(ins.getConfigMap()).build();
        }

        @Override
        public EvaluateRes evaluate(EvaluateIns ins) {
            return EvaluateRes.newBuilder().setLoss(0.25f).setNumExamples(3).build();
        }
    }

    /** Records events as short strings: "connected 1", "connectFailed", "disconnected[: Cause]", "reconnecting N". */
    static final class RecordingListener implements ClientRunnerListener {
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> unseen = new LinkedBlockingQueue<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        volatile Thread runnerThread;

        @Override
        public void connected(String target, int session) {
            runnerThread = Thread.currentThread();
            record("connected " + session);
        }

        @Override
        public void connectFailed(String target, Throwable cause) {
            runnerThread = Thread.currentThread();
            record("connectFailed");
        }

        @Override
        public void disconnected(String target, Throwable cause) {
            record(cause == null ? "disconnected" : "disconnected: " + cause.getClass().getSimpleName());
        }

        @Override
        public void reconnecting(String target, Duration delay, int failedAttempts) {
            delays.add(delay);
            record("reconnecting " + failedAttempts);
        }

        private void record(String event) {
            events.add(event);
            unseen.add(event);
        }

        List<String> events() {
            return List.copyOf(events);
        }

        /** Waits (bounded) for the next event equal to {@code event}, skipping others. */
        String await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                String next = unseen.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("No event \"" + event + "\" within 30 s; events: " + events);
                }
                if (next.equals(event)) {
                    return next;
                }
            }
        }
    }
}
