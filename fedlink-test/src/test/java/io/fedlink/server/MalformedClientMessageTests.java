package io.fedlink.server;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.fedlink.client.Connection;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.RawMethods;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.Transport;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes on a Join stream that do not parse as a {@code ClientMessage} (random bytes, a truncated message). gRPC's own
 * handling closes such a call with "UNKNOWN: Application error processing RPC", logs a stack trace, and never tells
 * the servicer, which kept the dead client registered (counted for the quorum, sent the next instruction, waited out
 * the reply timeout). The coordinator must instead end only that stream, with INVALID_ARGUMENT saying what was wrong,
 * unregister the client at once and fail its outstanding instruction at once.
 */
class MalformedClientMessageTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final MethodDescriptor<byte[], byte[]> RAW_JOIN = RawMethods.join();

    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    /** A Join call that sends and receives raw bytes. */
    private static final class RawClient {
        final ClientCall<byte[], byte[]> call;
        final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        RawClient(ManagedChannel channel) {
            call = channel.newCall(RAW_JOIN, CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    received.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
            call.request(Integer.MAX_VALUE);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void bytesThatAreNotAClientMessageEndOnlyThatStreamWithInvalidArgumentAndUnregisterTheClient(Transport transport)
            throws Exception {
        coordinator = transport.coordinator().start();
        RawClient raw = new RawClient(coordinator.newChannel());
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);

        raw.call.sendMessage(randomBytes()); // read with the reply to the next instruction, as the reply
        CompletableFuture<ClientMessage> failed = client.runAsync(fitIns(8));

        Status status = raw.closed.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("sent 4096 bytes that are not a valid flwr.proto.ClientMessage");
        await("the client is unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
        assertThat(catchThrowable(() -> failed.get(BOUND.toSeconds(), TimeUnit.SECONDS))).cause()
                .isInstanceOf(ClientDisconnectedException.class).hasMessageContaining("PROTOCOL_ERROR");

        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy other = coordinator.clientManager().getClients(1, BOUND).get(0);
            CompletableFuture<ClientMessage> reply = other.runAsync(fitIns(8));
            assertThat(connection.consume(BOUND)).isPresent();
            connection.dispatch(fitRes(3));
            assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPeerCannotForgeTheMarkOfAMalformedMessage(Transport transport) throws Exception {
        coordinator = transport.coordinator().start();
        RawClient raw = new RawClient(coordinator.newChannel());
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        assertThat(raw.received.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isNotNull();

        ClientMessage forged = fitRes(3).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(536_870_911, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8("sent nothing wrong")).build()).build()).build();
        raw.call.sendMessage(forged.toByteArray());

        assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(3);
        assertThat(coordinator.clientManager().numAvailable()).isEqualTo(1);
        raw.call.cancel("done", null);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aTruncatedReplyFailsTheOutstandingInstructionAtOnceNamingTheProblem(Transport transport) throws Exception {
        coordinator = transport.coordinator().replyTimeout(Duration.ofMinutes(5)).start();
        RawClient raw = new RawClient(coordinator.newChannel());
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
        CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
        assertThat(ServerMessage.parseFrom(raw.received.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).hasFitIns()).isTrue();

        byte[] valid = fitRes(3, 64).toByteArray();
        raw.call.sendMessage(Arrays.copyOf(valid, valid.length / 2));

        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS), "failed before the 5 minute reply timeout");
        assertThat(failure.getCause()).isInstanceOf(ClientDisconnectedException.class)
                .hasMessageContaining("PROTOCOL_ERROR").hasMessageContaining("while fit_ins was outstanding")
                .hasMessageContaining("not a valid flwr.proto.ClientMessage");
        assertThat(coordinator.clientManager().numAvailable()).isZero();
        assertThat(raw.closed.get(BOUND.toSeconds(), TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
