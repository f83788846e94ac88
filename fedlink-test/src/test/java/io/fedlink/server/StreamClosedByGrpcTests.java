package io.fedlink.server;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedlink.client.Connection;
import io.fedlink.proto.ClientMessage;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.Transport;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When handling a client's message fails inside gRPC (an {@code OutOfMemoryError} while a huge message is parsed,
 * say), gRPC closes the call with UNKNOWN and reports it to the service as completed normally: no cancel handler, no
 * {@code onError}. Before the fix the client then stayed registered with a dead stream, and its outstanding
 * instruction waited out the whole reply timeout. Simulated here with an interceptor that throws for one message.
 * (A RuntimeException there takes the same path inside gRPC; it is only logged at ERROR.)
 */
class StreamClosedByGrpcTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final long POISON = 666;

    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    /** Throws {@code failure} while handling a fit_res with {@link #POISON} examples. */
    private static ServerInterceptor failingOnPoison(Supplier<Throwable> failure) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        if (message instanceof ClientMessage reply && reply.getFitRes().getNumExamples() == POISON) {
                            sneakyThrow(failure.get());
                        }
                        super.onMessage(message);
                    }
                };
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
        throw (T) failure;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whenHandlingAMessageThrowsInsideGrpcThenTheClientIsUnregisteredAndItsInstructionFailsAtOnce(Transport transport)
            throws Exception {
        assertClientIsGoneAtOnce(transport, () -> new IllegalStateException("simulated failure while handling a message"));
    }

    /**
     * Over TCP only: on the in-process transport grpc-java's SerializingExecutor drops the close notification that
     * an escaping Error leaves queued, and production coordinators use TCP.
     */
    @Test
    void whenParsingAMessageRunsOutOfMemoryThenTheClientIsUnregisteredAndItsInstructionFailsAtOnce() throws Exception {
        assertClientIsGoneAtOnce(Transport.TCP, () -> new OutOfMemoryError("simulated: the message did not fit in the heap"));
    }

    private void assertClientIsGoneAtOnce(Transport transport, Supplier<Throwable> failure) throws Exception {
        coordinator = transport.coordinator().replyTimeout(Duration.ofMinutes(5))
                .configure(builder -> builder.intercept(failingOnPoison(failure))).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
            CompletableFuture<ClientMessage> reply = client.runAsync(fitIns(8));
            assertThat(connection.consume(BOUND)).isPresent();

            connection.dispatch(fitRes(POISON));

            ExecutionException thrown = assertThrows(ExecutionException.class,
                    () -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS), "failed before the 5 minute reply timeout");
            assertThat(thrown.getCause()).isInstanceOf(ClientDisconnectedException.class)
                    .hasMessageContaining("while fit_ins was outstanding");
            assertThat(coordinator.clientManager().numAvailable()).isZero();
        }
    }
}
