package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private TestCoordinator coordinator;

    private static ByteString distinctBytes(int size, int seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void aLargeInstructionReceivedOverTcpIsWholeAndStaysSoWhileTheStreamMovesOn() throws Exception {
        coordinator = TestCoordinator.tcp().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
            // 3 MiB of distinct bytes in two tensors: far above the size read in place, over many transport buffers
            ServerMessage first = TestMessages.fitIns(Parameters.newBuilder()
                    .addTensors(distinctBytes(2 * 1024 * 1024, 1)).addTensors(distinctBytes(1024 * 1024, 2)).build());
            client.runAsync(first);
            ServerMessage kept = connection.consume(BOUND).orElseThrow();
            connection.dispatch(TestMessages.fitRes(1));
            byte[] expected = first.toByteArray();
            assertThat(kept.toByteArray()).isEqualTo(expected);

            // the transport reuses its buffers for the next instruction: what the caller kept must not change
            client.runAsync(TestMessages.fitIns(Parameters.newBuilder()
                    .addTensors(distinctBytes(3 * 1024 * 1024, 3)).build()));
            assertThat(connection.consume(BOUND)).isPresent();
            assertThat(kept.toByteArray()).isEqualTo(expected);
        }
    }

    @Test
    void consumeWithATimeoutReturnsEmptyWhenNoInstructionArrives() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            assertThat(connection.consume(Duration.ofMillis(100))).isEmpty();
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void whenTheCoordinatorClosesTheStreamThenABlockedConsumeThrowsInsteadOfHanging() throws Exception {
        coordinator = TestCoordinator.tcp().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            coordinator.clientManager().getClients(1, BOUND);
            CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    connection.consume();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            coordinator.servicer().closeAll("maintenance");
            Throwable failure = blocked.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("UNAVAILABLE").hasMessageContaining("maintenance");
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class);
            assertThatThrownBy(() -> connection.dispatch(ClientMessage.getDefaultInstance()))
                    .isInstanceOf(ConnectionClosedException.class);
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void whenNoCoordinatorListensThenConsumeFailsPromptlyWithUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            ConnectionTemplate template = new ConnectionTemplate(channel, 1024, "127.0.0.1:" + port);
            assertTimeoutPreemptively(BOUND, () -> {
                try (Connection connection = template.connect()) {
                    assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class)
                            .hasMessageContaining("UNAVAILABLE").hasMessageContaining("127.0.0.1:" + port);
                }
            });
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterCloseDispatchIsRefusedAndTheCoordinatorUnregistersTheClient() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        Connection connection = coordinator.connectionTemplate().connect();
        coordinator.clientManager().getClients(1, BOUND);
        connection.close();
        connection.close();
        assertThatThrownBy(() -> connection.dispatch(ClientMessage.getDefaultInstance()))
                .isInstanceOf(ConnectionClosedException.class).hasMessageContaining("closed by this client");
        await("client unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
    }
}
