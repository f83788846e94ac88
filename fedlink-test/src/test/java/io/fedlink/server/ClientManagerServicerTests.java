package io.fedlink.server;

import static io.fedlink.test.TestMessages.disconnectRes;
import static io.fedlink.test.TestMessages.evaluateIns;
import static io.fedlink.test.TestMessages.evaluateRes;
import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.reconnectIns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fedlink.MessageTooLargeException;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.Transport;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stream rules of DESIGN.md, each over the in-process transport and over a real TCP port. */
class ClientManagerServicerTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private ClientProxy connectedClient(Connection connection) {
        coordinator.clientManager().getClients(1, BOUND);
        return coordinator.clientManager().all().get(0);
    }

    private static ServerMessage consume(Connection connection) throws InterruptedException {
        return connection.consume(BOUND).orElseThrow(() -> new AssertionError("no instruction within " + BOUND));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenFlowerStyleClientSendsNothingThenItIsRegisteredAndAnswersInstructions(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(16));
            assertThat(consume(connection).hasFitIns()).isTrue();
            connection.dispatch(fitRes(7));
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenSeedStyleClientSendsEmptyHandshakeThenItIsAbsorbed(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            connection.dispatch(ClientMessage.getDefaultInstance()); // sent before any instruction
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(evaluateIns());
            assertThat(consume(connection).hasEvaluateIns()).isTrue();
            connection.dispatch(evaluateRes(3));
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getEvaluateRes().getNumExamples()).isEqualTo(3);
            assertThat(coordinator.handshakes()).as("read before the reply and absorbed, not paired").isEqualTo(1);
            CompletableFuture<ClientMessage> next = client.runAsync(evaluateIns());
            consume(connection);
            connection.dispatch(evaluateRes(4));
            assertThat(next.get(BOUND.toSeconds(), TimeUnit.SECONDS).getEvaluateRes().getNumExamples()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenAClientManagerListenerThrowsThenTheClientIsStillServedAndUnregisteredAndLaterListenersRun(
            Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        coordinator.clientManager().addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                throw new IllegalStateException("an @EventListener behind this listener failed");
            }

            @Override
            public void unregistered(ClientProxy client, DisconnectReason reason) {
                throw new IllegalStateException("an @EventListener behind this listener failed");
            }
        });
        coordinator.clientManager().addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                heard.add("registered");
            }

            @Override
            public void unregistered(ClientProxy client, DisconnectReason reason) {
                heard.add("unregistered " + reason);
            }
        });
        Connection connection = coordinator.connectionTemplate().connect();
        ClientProxy client = connectedClient(connection);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        assertThat(consume(connection).hasFitIns()).as("the stream works although a listener failed").isTrue();
        connection.dispatch(fitRes(4));
        assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(4);

        connection.abort("the client leaves");
        await("the client is unregistered, no ghost left behind").atMost(BOUND)
                .until(() -> coordinator.clientManager().numAvailable() == 0);
        await("the later listener hears both changes").atMost(BOUND).until(() -> heard.size() == 2);
        assertThat(heard).containsExactly("registered", "unregistered CANCELLED");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenTheProxyFactoryThrowsThenTheClientIsRefusedWithInternalAndNothingIsRegistered(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().proxyFactory(stream -> {
            throw new IllegalStateException("user proxy factory failed");
        }).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            Throwable refused = catchThrowable(() -> consume(connection));
            assertThat(refused).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("INTERNAL")
                    .hasMessageContaining("could not register client").hasMessageContaining("user proxy factory failed");
            assertThat(coordinator.clientManager().numAvailable()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenHandshakeCrossesTheFirstInstructionThenTheInstructionStillGetsItsReply(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
            assertThat(consume(connection).hasFitIns()).isTrue();
            connection.dispatch(ClientMessage.getDefaultInstance()); // late hand-shake
            connection.dispatch(fitRes(5));
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenReplyHasTheWrongCaseThenTheCallFailsNamingClientInstructionAndReply(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
            consume(connection);
            connection.dispatch(evaluateRes(1));
            Throwable failure = catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(UnexpectedReplyException.class)
                    .hasMessageContaining(client.id()).hasMessageContaining("fit_ins")
                    .hasMessageContaining("evaluate_res").hasMessageContaining("expected fit_res");
            // The stream stays usable for the next instruction.
            CompletableFuture<ClientMessage> next = client.runAsync(evaluateIns());
            consume(connection);
            connection.dispatch(evaluateRes(2));
            assertThat(next.get(BOUND.toSeconds(), TimeUnit.SECONDS).getEvaluateRes().getNumExamples()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenClientSendsAMessageUnaskedThenItIsReadOnlyAsTheReplyToTheNextInstruction(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection rogue = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(rogue);
            rogue.dispatch(evaluateRes(1)); // nothing asked: it waits in flow control, as with a Flower server
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(4));
            Throwable failure = catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            assertThat(failure).cause().isInstanceOf(UnexpectedReplyException.class)
                    .hasMessageContaining("answered fit_ins with evaluate_res");
            consume(rogue); // the fit_ins
            CompletableFuture<ClientMessage> next = client.runAsync(evaluateIns());
            consume(rogue);
            rogue.dispatch(evaluateRes(9));
            assertThat(next.get(BOUND.toSeconds(), TimeUnit.SECONDS).getEvaluateRes().getNumExamples()).isEqualTo(9);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenClientDisconnectsDuringAnInstructionThenTheCallFailsPromptlyAndItIsUnregistered(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().replyTimeout(Duration.ofMinutes(5)).start();
        Connection connection = coordinator.connectionTemplate().connect();
        ClientProxy client = connectedClient(connection);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        consume(connection);
        connection.abort("test hangs up mid-fit");
        Throwable failure = catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertThat(failure).cause().isInstanceOf(ClientDisconnectedException.class)
                .hasMessageContaining(client.id()).hasMessageContaining("disconnected").hasMessageContaining("fit_ins");
        await("the client is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
        assertThat(client.stream().disconnectReason()).contains(DisconnectReason.CANCELLED);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenClientStaysSilentUnderDropPolicyThenTheCallTimesOutAndTheClientIsDropped(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().replyTimeout(Duration.ofMillis(300)).timeoutPolicy(TimeoutPolicy.DROP).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            assertThatThrownBy(() -> client.run(fitIns(8)))
                    .isInstanceOf(ClientReplyTimeoutException.class)
                    .hasMessageContaining(client.id()).hasMessageContaining("fit_ins").hasMessageContaining("PT0.3S");
            await("the silent client is dropped").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
            consume(connection); // the fit_ins itself
            assertThatThrownBy(() -> consume(connection)).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("DEADLINE_EXCEEDED");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenClientIsKeptAfterTimeoutThenItsLateReplyIsDiscardedAndNeverPairedWithTheNextInstruction(
            Transport transport) throws Exception {
        coordinator = transport.coordinator().replyTimeout(Duration.ofMillis(300)).timeoutPolicy(TimeoutPolicy.KEEP).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            assertThatThrownBy(() -> client.run(fitIns(8))).isInstanceOf(ClientReplyTimeoutException.class);
            assertThat(client.isConnected()).isTrue();
            assertThatThrownBy(() -> client.run(evaluateIns())).isInstanceOf(ClientBusyException.class)
                    .hasMessageContaining("late reply to fit_ins");
            consume(connection);
            connection.dispatch(fitRes(111)); // the late reply
            await("the late reply is absorbed").atMost(BOUND).until(() -> client.stream().instructionInFlight().isEmpty());
            CompletableFuture<ClientMessage> next = client.runAsync(evaluateIns(), BOUND);
            assertThat(consume(connection).hasEvaluateIns()).isTrue();
            connection.dispatch(evaluateRes(222));
            assertThat(next.get(BOUND.toSeconds(), TimeUnit.SECONDS).getEvaluateRes().getNumExamples()).isEqualTo(222);
            assertThat(coordinator.clientManager().numAvailable()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenASecondInstructionIsSentWhileOneIsOutstandingThenItFailsBusy(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> first = client.runAsync(fitIns(8));
            assertThatThrownBy(() -> client.run(evaluateIns())).isInstanceOf(ClientBusyException.class)
                    .hasMessageContaining("fit_ins outstanding");
            consume(connection);
            connection.dispatch(fitRes(1));
            assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS).hasFitRes()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenReconnectInsIsAnsweredThenTheClientGetsItsDisconnectResAndTheStreamCloses(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(reconnectIns(5));
            assertThat(consume(connection).getReconnectIns().getSeconds()).isEqualTo(5);
            connection.dispatch(disconnectRes());
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getDisconnectRes().getReason())
                    .isEqualTo(io.fedlink.proto.Reason.RECONNECT);
            await("the client is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
            assertThat(client.stream().disconnectReason()).contains(DisconnectReason.RECONNECT);
            assertThatThrownBy(() -> consume(connection)).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("closed the stream");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenClientHangsUpRightAfterReconnectInsThenItCountsAsAcknowledged(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        Connection connection = coordinator.connectionTemplate().connect();
        ClientProxy client = connectedClient(connection);
        CompletableFuture<ClientMessage> reply = client.runAsync(reconnectIns(1));
        consume(connection);
        connection.close();
        assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getDisconnectRes().getReason())
                .isEqualTo(io.fedlink.proto.Reason.RECONNECT);
        await("the client is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenFedlinkClientRepliesAboveTheCoordinatorLimitThenItIsRefusedBeforeSendingNamingTheProperty(
            Transport transport) throws Exception {
        coordinator = transport.coordinator().maxMessageSize(64 * 1024).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = connectedClient(connection);
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
            consume(connection);
            assertThatThrownBy(() -> connection.dispatch(fitRes(1, 1024 * 1024)))
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("65536").hasMessageContaining("raise maxMessageSize on the coordinator");
            connection.dispatch(fitRes(4, 1024)); // the stream is intact: a smaller reply goes through
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenInstructionExceedsTheClientsAnnouncedLimitThenTheCallFailsNamingTheClientPropertyAndTheStreamStays(
            Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        try (Connection connection = coordinator.connectionTemplate(64 * 1024).connect()) {
            ClientProxy client = connectedClient(connection);
            assertThatThrownBy(() -> client.run(fitIns(1024 * 1024)))
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining(client.id()).hasMessageContaining("raise maxMessageSize on the client");
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(1024));
            consume(connection);
            connection.dispatch(fitRes(6));
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(6);
        }
    }

    @org.junit.jupiter.api.Test
    void whenAPeerWithoutTheSizeHeaderSendsAboveTheLimitThenOnlyItsStreamFailsAndOthersKeepWorking() throws Exception {
        coordinator = Transport.TCP.coordinator().maxMessageSize(64 * 1024).start();
        java.util.concurrent.LinkedBlockingQueue<Object> rawInbound = new java.util.concurrent.LinkedBlockingQueue<>();
        io.grpc.stub.StreamObserver<ClientMessage> raw = io.fedlink.proto.FlowerServiceGrpc.newStub(coordinator.newChannel())
                .join(new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(ServerMessage value) {
                        rawInbound.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        rawInbound.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        rawInbound.add("completed");
                    }
                });
        try (Connection good = coordinator.connectionTemplate().connect()) {
            coordinator.clientManager().getClients(2, BOUND);
            java.util.Map<String, CompletableFuture<ClientMessage>> replies = new java.util.HashMap<>();
            for (ClientProxy client : coordinator.clientManager().all()) {
                replies.put(client.id(), client.runAsync(fitIns(8)));
            }
            assertThat(rawInbound.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ServerMessage.class);
            consume(good);
            raw.onNext(io.fedlink.test.TestMessages.fitRes(1, 1024 * 1024));
            Object end = rawInbound.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
            // grpc-java reports the size error to a bidi peer as CANCELLED (grpc-java issue 11245) or RESOURCE_EXHAUSTED.
            assertThat(end).isInstanceOf(io.grpc.StatusRuntimeException.class);
            assertThat(Status.fromThrowable((Throwable) end).getCode())
                    .isIn(Status.Code.CANCELLED, Status.Code.RESOURCE_EXHAUSTED);
            await("the oversized sender is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 1);
            ClientProxy remaining = coordinator.clientManager().all().get(0);
            good.dispatch(fitRes(3));
            assertThat(replies.get(remaining.id()).get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples())
                    .isEqualTo(3);
            assertThat(remaining.isConnected()).isTrue();
        }
    }
}
