package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.proto.ClientMessage;
import io.fedlink.test.TestCoordinator;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionTests {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
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
