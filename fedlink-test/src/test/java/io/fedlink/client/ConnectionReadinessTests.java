package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.test.TestCoordinator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionReadinessTests {

    private TestCoordinator coordinator;

    @AfterEach
    void tearDown() {
        coordinator.close();
    }

    @Test
    void awaitReadyReturnsOnceTheCoordinatorHasTheStream() throws Exception {
        coordinator = TestCoordinator.inProcess().start();

        try (Connection connection = coordinator.connectionTemplate().connect()) {
            assertThat(connection.awaitReady(Duration.ofSeconds(10))).isTrue();
            assertThat(coordinator.nextClient()).isNotNull();
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void awaitReadyFailsFastWithTheTransportsCauseWhenTheCoordinatorRefusesTheConnection() throws Exception {
        coordinator = TestCoordinator.tcp().start();
        coordinator.shutdown();

        try (Connection connection = coordinator.connectionTemplate().connect()) {
            assertThatThrownBy(() -> connection.awaitReady(Duration.ofSeconds(30)))
                    .isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("Stream to " + coordinator.target() + " failed: UNAVAILABLE")
                    .hasMessageContaining("Connection refused")
                    .satisfies(e -> assertThat(((ConnectionClosedException) e).status()).isPresent());
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aConnectionThatEndedAfterItWasEstablishedStaysReady() throws Exception {
        coordinator = TestCoordinator.inProcess().start();

        try (Connection connection = coordinator.connectionTemplate().connect()) {
            assertThat(connection.awaitReady(Duration.ofSeconds(10))).isTrue();
            coordinator.nextClient().stream().close("test closes the stream");
            assertThatThrownBy(() -> connection.consume(Duration.ofSeconds(10)))
                    .isInstanceOf(ConnectionClosedException.class);

            assertThat(connection.awaitReady(Duration.ofSeconds(10))).isTrue();
        }
    }
}
