package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.strategy.aggregate.WeightedMean;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifetime of a large reply parsed in place: its tensors are read from the transport's received buffers, which
 * must go back to the transport exactly once, after the reply is done with (folded into the aggregate, or copied for
 * a caller that keeps it), and on every path where nobody takes the reply (late, malformed, wrong case, rejected).
 * Clients send their replies as {@link PooledMessageStream}s, whose memory holds other data (NaN) once released: a
 * reply read after its buffers went back reads NaN, and a buffer never given back shows in the pool's count.
 */
class ReceivedBuffersTests {

    private static final Duration BOUND = TestCoordinator.BOUND;
    /** Floats per tensor: 1.2 MB of update, in 75 pieces of 16 KiB. */
    private static final int FLOATS = 300_000;
    private static final ServerMessage FIT = TestMessages.fitIns(model(0f));

    private final PooledMessageStream.Pool pool = new PooledMessageStream.Pool();
    private final List<ClientCall<ClientMessage, ServerMessage>> calls = new ArrayList<>();
    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        calls.forEach(call -> call.cancel("test over", null));
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void updatesFoldedByAFanOutAreReadBeforeTheirBuffersGoBackAndEveryBufferGoesBack() throws Exception {
        coordinator = TestCoordinator.inProcess().flowControl(new FlowControl(1L << 30, 3)).start();
        for (int i = 1; i <= 3; i++) {
            float value = i;
            long examples = i;
            connect(instruction -> fitRes(model(value), examples));
        }
        List<ClientProxy> clients = coordinator.clientManager().getClients(3, BOUND);
        WeightedMean mean = new WeightedMean(FIT.getFitIns().getParameters());

        FanOutSummary summary = new FanOut(3, BOUND).stream(clients, FIT,
                (client, reply) -> mean.add(client.id(), reply.getFitRes().getParameters(), reply.getFitRes().getNumExamples()));

        assertThat(summary.failures()).isEmpty();
        float[] averaged = ParametersCodec.decode(mean.result()).get(0).toFloatArray();
        float expected = (1f * 1 + 2f * 2 + 3f * 3) / 6;
        assertThat(averaged).hasSize(FLOATS).containsOnly(expected);
        await("every reply's buffers are back").atMost(BOUND).until(() -> pool.released() == 3);
    }

    @Test
    void anUpdateTheAggregatorRejectsGivesItsBuffersBack() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        connect(instruction -> fitRes(model(1f), 0)); // num_examples 0: FedAvg cannot weight it
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
        WeightedMean mean = new WeightedMean(FIT.getFitIns().getParameters());

        FanOutSummary summary = new FanOut(1, BOUND).stream(List.of(client), FIT,
                (proxy, reply) -> mean.add(proxy.id(), reply.getFitRes().getParameters(), reply.getFitRes().getNumExamples()));

        assertThat(summary.failures()).singleElement().satisfies(failure ->
                assertThat(failure.error()).isInstanceOf(ClientUpdateRejectedException.class));
        await("the rejected reply's buffers are back").atMost(BOUND).until(() -> pool.released() == 1);
    }

    @Test
    void aReplyKeepsItsBuffersUntilHandledEvenWhenItsClientHangsUpMeanwhile() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        ClientCall<ClientMessage, ServerMessage> call = connect(instruction -> fitRes(model(5f), 1));
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
        CompletableFuture<Void> handled = new CompletableFuture<>();

        ClientMessage reply = client.runAsync(FIT, BOUND, handled).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        call.cancel("the client hangs up while its update is still being handled", null);
        await("the client is gone").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);

        assertThat(pool.released()).isZero();
        assertThat(floats(reply)).containsOnly(5f);
        handled.complete(null);
        assertThat(pool.released()).isEqualTo(1);
    }

    @Test
    void aReplyItsCallerKeepsIsACopyThatOutlivesTheBuffers() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        connect(instruction -> fitRes(model(7f), 1));
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);

        ClientMessage reply = client.runAsync(FIT, BOUND).get(BOUND.toSeconds(), TimeUnit.SECONDS);

        await("the reply's buffers are back").atMost(BOUND).until(() -> pool.released() == 1);
        assertThat(floats(reply)).hasSize(FLOATS).containsOnly(7f);
    }

    @Test
    void aLateReplyGivesItsBuffersBackAtOnce() throws Exception {
        coordinator = TestCoordinator.inProcess().timeoutPolicy(TimeoutPolicy.KEEP).start();
        CountDownLatch answer = new CountDownLatch(1);
        connect(instruction -> {
            awaitQuietly(answer);
            return fitRes(model(1f), 1);
        });
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);

        Throwable timedOut = catchThrowable(() -> client.runAsync(FIT, Duration.ofMillis(200)).get(BOUND.toSeconds(),
                TimeUnit.SECONDS));
        answer.countDown();

        assertThat(timedOut).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ClientReplyTimeoutException.class);
        await("the late reply's buffers are back").atMost(BOUND).until(() -> pool.released() == 1);
        await("the kept client is idle again").atMost(BOUND).until(() -> client.stream().instructionInFlight().isEmpty());
    }

    @Test
    void aReplyOfTheWrongCaseGivesItsBuffersBack() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        connect(instruction -> ClientMessage.newBuilder().setGetParametersRes(ClientMessage.GetParametersRes.newBuilder()
                .setParameters(model(1f))).build());
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);

        Throwable failure = catchThrowable(() -> client.runAsync(FIT, BOUND).get(BOUND.toSeconds(), TimeUnit.SECONDS));

        assertThat(failure).cause().isInstanceOf(UnexpectedReplyException.class);
        await("the mismatched reply's buffers are back").atMost(BOUND).until(() -> pool.released() == 1);
    }

    @Test
    void bytesThatAreNotAClientMessageGiveTheirBuffersBackAndFailOnlyThatClient() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        byte[] garbage = new byte[256 * 1024];
        new Random(11).nextBytes(garbage);
        ClientCall<byte[], ServerMessage> raw = channel().newCall(FlowerServiceGrpc.getJoinMethod().toBuilder(
                new PooledBytes(pool), FlowerServiceGrpc.getJoinMethod().getResponseMarshaller()).build(),
                CallOptions.DEFAULT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        raw.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        raw.request(Integer.MAX_VALUE);
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);

        CompletableFuture<ClientMessage> reply = client.runAsync(FIT, BOUND);
        raw.sendMessage(garbage);

        assertThat(closed.get(BOUND.toSeconds(), TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(catchThrowable(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS))).cause()
                .isInstanceOf(ClientDisconnectedException.class).hasMessageContaining("not a valid flwr.proto.ClientMessage");
        assertThat(pool.released()).isEqualTo(1);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private static Parameters model(float value) {
        float[] values = new float[FLOATS];
        Arrays.fill(values, value);
        return ParametersCodec.encode(NdArray.of(values));
    }

    private static ClientMessage fitRes(Parameters parameters, long examples) {
        return TestMessages.fitRes(parameters, examples);
    }

    private static float[] floats(ClientMessage reply) {
        return ParametersCodec.decode(reply.getFitRes().getParameters()).get(0).toFloatArray();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within " + BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ManagedChannel channel() {
        return coordinator.newChannel();
    }

    /** A Join call that answers every instruction with {@code answer}'s reply, sent as a pooled message. */
    private ClientCall<ClientMessage, ServerMessage> connect(Function<ServerMessage, ClientMessage> answer) {
        MethodDescriptor<ClientMessage, ServerMessage> join = FlowerServiceGrpc.getJoinMethod().toBuilder(
                new PooledReplies(pool), FlowerServiceGrpc.getJoinMethod().getResponseMarshaller()).build();
        ClientCall<ClientMessage, ServerMessage> call = channel().newCall(join, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(ServerMessage instruction) {
                Thread answering = new Thread(() -> {
                    ClientMessage reply = answer.apply(instruction);
                    synchronized (call) {
                        call.sendMessage(reply);
                    }
                }, "pooled-client");
                answering.setDaemon(true);
                answering.start();
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        calls.add(call);
        return call;
    }

    /** Sends each reply as the transport would receive it. */
    private record PooledReplies(PooledMessageStream.Pool pool) implements MethodDescriptor.Marshaller<ClientMessage> {
        @Override
        public InputStream stream(ClientMessage value) {
            return pool.stream(value.toByteArray());
        }

        @Override
        public ClientMessage parse(InputStream stream) {
            throw new UnsupportedOperationException("the client only sends ClientMessages");
        }
    }

    /** Sends raw bytes as the transport would receive them. */
    private record PooledBytes(PooledMessageStream.Pool pool) implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return pool.stream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException("the client only sends bytes");
        }
    }
}
