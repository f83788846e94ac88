package io.fedlink.server;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.Connection;
import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutResult;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.Transport;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flow control both ways: what the coordinator queues for sending is bounded by the send budget and a reply's deadline
 * starts once its instruction has gone out; large replies are received one (or {@code largeRepliesAtOnce}) at a time
 * while every client trains; a failure to write an instruction is that client's failure alone.
 */
class FlowControlTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int MODEL = 2 * 1024 * 1024;

    private final List<Thread> clientThreads = new CopyOnWriteArrayList<>();
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        clientThreads.forEach(Thread::interrupt);
        channels.forEach(ManagedChannel::shutdownNow);
        if (coordinator != null) {
            coordinator.close();
        }
    }

    // --- outbound ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void largeInstructionsQueueNoMoreThanTheSendBudgetAndEachGoesOutAsRoomFrees(Transport transport) throws Exception {
        ServerMessage model = fitIns(MODEL);
        long size = model.getSerializedSize();
        coordinator = transport.coordinator().flowControl(new FlowControl(MODEL + MODEL / 2, 8)).start();
        List<SilentClient> silent = List.of(connectSilent(), connectSilent(), connectSilent());
        List<CompletableFuture<ClientMessage>> replies = new ArrayList<>();
        for (SilentClient client : silent) {
            replies.add(client.proxy.runAsync(model));
        }

        // One model fits in the budget, two do not: one is written, the others wait their turn unwritten. Each goes
        // out only once its client reads (takes) the one before.
        List<SilentClient> read = new ArrayList<>();
        for (int written = 1; written <= 3; written++) {
            int queued = 3 - written;
            await(queued + " instruction(s) queued").atMost(BOUND).until(() -> silent.stream()
                    .filter(client -> inFlight(client).equals("fit_ins (queued for sending)")).count() == queued);
            assertThat(coordinator.servicer().bytesQueuedForSending()).isEqualTo(size);
            SilentClient writing = silent.stream().filter(client -> !read.contains(client)
                    && inFlight(client).equals("fit_ins")).findFirst().orElseThrow();
            writing.read();
            read.add(writing);
        }
        await("the last instruction has gone out").atMost(BOUND).until(() -> coordinator.servicer().bytesQueuedForSending() == 0);
        for (SilentClient client : silent) {
            assertThat(client.received.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(model);
        }
        assertThat(replies).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void theReplyDeadlineStartsWhenTheInstructionHasGoneOutAndAStalledClientIsDroppedAfterItsTimeout() throws Exception {
        ManualTimer timer = new ManualTimer();
        ServerMessage instruction = fitIns(64 * 1024); // two do not fit in the budget below
        coordinator = Transport.IN_PROCESS.coordinator().timer(timer)
                .flowControl(new FlowControl(instruction.getSerializedSize() + 1000, 8)).start();
        SilentClient stalled = connectSilent();
        SilentClient slow = connectSilent();
        CompletableFuture<ClientMessage> first = stalled.proxy.runAsync(instruction);
        CompletableFuture<ClientMessage> second = slow.proxy.runAsync(instruction);
        assertThat(inFlight(stalled)).isEqualTo("fit_ins");
        assertThat(inFlight(slow)).isEqualTo("fit_ins (queued for sending)");

        // The first is written and not taken (its client reads nothing): only its send deadline runs; the second
        // waits for the budget with no deadline at all.
        assertThat(timer.pending()).isEqualTo(1);
        timer.fireAll();
        assertThat(catchThrowable(() -> first.get(BOUND.toSeconds(), TimeUnit.SECONDS))).cause()
                .isInstanceOf(ClientReplyTimeoutException.class).hasMessageContaining("did not take its fit_ins");
        assertThat(stalled.proxy.isConnected()).isFalse();
        assertThat(stalled.proxy.stream().disconnectReason()).contains(DisconnectReason.REPLY_TIMEOUT);
        assertThat(coordinator.clientManager().numAvailable()).isEqualTo(1);

        // Its budget went to the second, now written; once its client takes it, the reply deadline starts.
        await("the second instruction is written").atMost(BOUND).until(() -> inFlight(slow).equals("fit_ins"));
        slow.read();
        await("the second instruction has gone out").atMost(BOUND).until(() -> coordinator.servicer().bytesQueuedForSending() == 0);
        assertThat(timer.pending()).isEqualTo(1);
        timer.fireAll();
        assertThat(catchThrowable(() -> second.get(BOUND.toSeconds(), TimeUnit.SECONDS))).cause()
                .isInstanceOf(ClientReplyTimeoutException.class).hasMessageContaining("did not reply to fit_ins");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenWritingAnInstructionRunsOutOfDirectMemoryThenOnlyThatClientFailsAndTheFanOutGoesOn(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().configure(server -> server.intercept(new OutOfDirectMemoryOnPoison()))
                .start();
        answeringClient((instruction, connection) -> fitRes(2));
        answeringClient((instruction, connection) -> fitRes(3));
        List<ClientProxy> clients = coordinator.clientManager().getClients(2, BOUND);
        ClientProxy victim = clients.get(0);

        FanOutResult result = new FanOut(2, BOUND).call(clients, client -> client == victim ? poisoned() : fitIns(8));

        assertThat(result.replies()).singleElement().satisfies(reply ->
                assertThat(reply.client()).isSameAs(clients.get(1)));
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.client()).isSameAs(victim);
            assertThat(failure.error()).isInstanceOf(ClientDisconnectedException.class)
                    .hasMessageContaining("Could not send fit_ins").hasMessageContaining(victim.id())
                    .hasMessageContaining("out of direct memory");
        });
        await("the client that could not be written to is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 1);
        assertThat(victim.stream().disconnectReason()).contains(DisconnectReason.SEND_FAILED);
    }

    // --- inbound -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void withEveryInstructionOutAtOnceLargeRepliesAreReceivedOneAtATimeWhileEveryClientTrains(Transport transport)
            throws Exception {
        LargeRepliesDelivered delivered = new LargeRepliesDelivered();
        coordinator = transport.coordinator().flowControl(new FlowControl(Long.MAX_VALUE, 1))
                .configure(server -> server.intercept(delivered)).start();
        int n = 4;
        CountDownLatch allTraining = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            answeringClient((instruction, connection) -> {
                allTraining.countDown();
                // Nobody answers before every client has its instruction: training at once, not one after another.
                assertThat(allTraining.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                return fitRes(1, MODEL);
            });
        }
        List<ClientProxy> clients = coordinator.clientManager().getClients(n, BOUND);
        List<String> seen = new ArrayList<>();

        FanOutSummary summary = new FanOut(n, BOUND).stream(clients, fitIns(MODEL), (client, reply) -> {
            seen.add(delivered.count() + "/" + coordinator.servicer().largeRepliesReceiving());
            pause(100); // a slow aggregator: the next update must still wait for it
        });

        assertThat(summary.answered()).hasSize(n);
        assertThat(seen).as("replies delivered so far / permits held, each time the handler ran")
                .containsExactly("1/1", "2/1", "3/1", "4/1");
        assertThat(coordinator.servicer().largeRepliesReceiving()).isZero();
    }

    @Test
    void withAsManyPermitsAsClientsTheRepliesAreReceivedTogether() throws Exception {
        LargeRepliesDelivered delivered = new LargeRepliesDelivered();
        int n = 4;
        coordinator = Transport.IN_PROCESS.coordinator().flowControl(new FlowControl(Long.MAX_VALUE, n))
                .configure(server -> server.intercept(delivered)).start();
        for (int i = 0; i < n; i++) {
            answeringClient((instruction, connection) -> fitRes(1, MODEL));
        }
        List<ClientProxy> clients = coordinator.clientManager().getClients(n, BOUND);
        List<Integer> seen = new ArrayList<>();

        new FanOut(n, BOUND).stream(clients, fitIns(MODEL), (client, reply) -> {
            if (seen.isEmpty()) {
                await("every reply is received while the first is handled").atMost(BOUND).until(() -> delivered.count() == n);
            }
            seen.add(delivered.count());
        });

        assertThat(seen).containsExactly(n, n, n, n);
    }

    @Test
    void aClientWaitingForTheReceivePermitIsNotTimedOutMeanwhile() throws Exception {
        ManualTimer timer = new ManualTimer();
        coordinator = Transport.IN_PROCESS.coordinator().timer(timer).flowControl(new FlowControl(Long.MAX_VALUE, 1))
                .start();
        BlockingQueue<Connection> training = new LinkedBlockingQueue<>();
        for (int i = 0; i < 2; i++) {
            answeringClient((instruction, connection) -> {
                training.add(connection);
                return null; // the test answers below
            });
        }
        List<ClientProxy> clients = coordinator.clientManager().getClients(2, BOUND);
        List<CompletableFuture<ClientMessage>> replies = new ArrayList<>();
        for (ClientProxy client : clients) {
            replies.add(client.runAsync(fitIns(MODEL)));
        }
        await("one holds the permit, one waits for it").atMost(BOUND).until(() -> training.size() == 2
                && coordinator.servicer().largeRepliesReceiving() == 1 && coordinator.servicer().largeRepliesWaiting() == 1);

        // Only the holder's reply deadline runs; the waiter's has not started.
        assertThat(timer.pending()).isEqualTo(1);
        timer.fireAll(); // the holder times out: dropped, its permit passes on, the waiter's deadline starts now
        await("the waiter holds the permit").atMost(BOUND).until(() -> coordinator.servicer().largeRepliesWaiting() == 0
                && coordinator.servicer().largeRepliesReceiving() == 1);
        assertThat(timer.pending()).isEqualTo(1);
        assertThat(replies).filteredOn(CompletableFuture::isDone).singleElement().satisfies(timedOut ->
                assertThat(catchThrowable(timedOut::get)).cause().isInstanceOf(ClientReplyTimeoutException.class));

        for (Connection connection : training) {
            try {
                connection.dispatch(fitRes(5, MODEL));
            } catch (RuntimeException dropped) {
                // the stream of the client that timed out is closed
            }
        }
        CompletableFuture<ClientMessage> waiter = replies.stream().filter(reply -> !reply.isCompletedExceptionally())
                .findFirst().orElseThrow();
        assertThat(waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(5);
        await("its permit is back").atMost(BOUND).until(() -> coordinator.servicer().largeRepliesReceiving() == 0);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** A client whose answer comes from {@code behaviour} on its own thread; {@code null} answers nothing. */
    private void answeringClient(Behaviour behaviour) {
        Connection connection = coordinator.connectionTemplate().connect();
        Thread thread = new Thread(() -> {
            try (connection) {
                while (!Thread.currentThread().isInterrupted()) {
                    ServerMessage instruction = connection.consume();
                    ClientMessage reply = behaviour.answer(instruction, connection);
                    if (reply != null) {
                        connection.dispatch(reply);
                    }
                }
            } catch (Exception | AssertionError e) {
                // the stream ended or the test is over: this client is done
            }
        }, "flow-control-test-client");
        thread.setDaemon(true);
        clientThreads.add(thread);
        thread.start();
    }

    @FunctionalInterface
    private interface Behaviour {
        ClientMessage answer(ServerMessage instruction, Connection connection) throws Exception;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ServerMessage poisoned() {
        ServerMessage fit = fitIns(8);
        return fit.toBuilder().setFitIns(fit.getFitIns().toBuilder()
                .putConfig("poison", Scalar.newBuilder().setBool(true).build())).build();
    }

    /** Throws what Netty's allocator throws when direct memory runs out, while writing a poisoned instruction. */
    private static final class OutOfDirectMemoryOnPoison implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendMessage(R message) {
                    if (message instanceof ServerMessage instruction
                            && instruction.getFitIns().getConfigMap().containsKey("poison")) {
                        throw new OutOfMemoryError("failed to allocate 16777216 byte(s) of direct memory");
                    }
                    super.sendMessage(message);
                }
            }, headers);
        }
    }

    /** Counts the replies carrying at least one model that the servicer has been handed. */
    private static final class LargeRepliesDelivered implements ServerInterceptor {
        private final AtomicInteger count = new AtomicInteger();

        int count() {
            return count.get();
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                @Override
                public void onMessage(Q message) {
                    if (message instanceof ClientMessage reply && reply.getSerializedSize() >= MODEL) {
                        count.incrementAndGet();
                    }
                    super.onMessage(message);
                }
            };
        }
    }

    /** Connects a {@link SilentClient} and waits until the coordinator has registered it. */
    private SilentClient connectSilent() throws InterruptedException {
        List<String> known = coordinator.clientManager().all().stream().map(ClientProxy::id).toList();
        SilentClient client = new SilentClient(coordinator);
        await("the silent client is registered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() > known.size());
        client.proxy = coordinator.clientManager().all().stream().filter(proxy -> !known.contains(proxy.id())).findFirst()
                .orElseThrow();
        return client;
    }

    private static String inFlight(SilentClient client) {
        return client.proxy.stream().instructionInFlight().orElse("");
    }

    /** A raw Join call that reads nothing until told to: the coordinator's instruction cannot go out to it. */
    private final class SilentClient {
        final ClientCall<ClientMessage, ServerMessage> call;
        final BlockingQueue<ServerMessage> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientProxy proxy;

        SilentClient(TestCoordinator coordinator) {
            // Over TCP a client's transport takes what fits its HTTP/2 window whether the application reads or not, and
            // grpc-java's automatic window tuning grows it past a model of this test's size: a small fixed window keeps
            // the instruction waiting for the reader, as a slow or stalled client does.
            Channel channel = coordinator.newChannel();
            if (coordinator.port() > 0) {
                ManagedChannel smallWindow = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port())
                        .usePlaintext().flowControlWindow(64 * 1024).build();
                channels.add(smallWindow);
                channel = smallWindow;
            }
            call = channel.newCall(FlowerServiceGrpc.getJoinMethod(), CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(ServerMessage message) {
                    received.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
        }

        /** Lets the instruction through and one more (the coordinator sees the stream ready again). */
        void read() {
            call.request(2);
        }
    }
}
