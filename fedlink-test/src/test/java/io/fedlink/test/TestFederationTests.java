package io.fedlink.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerStatus;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients of any coordinator on a port: each on its own connection, all stopped by close. */
class TestFederationTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void clientsOfACoordinatorOnAPortEachJoinOnTheirOwnConnectionAndStopWhenItCloses() throws Exception {
        TestCoordinator coordinator = resources.register(TestCoordinator.tcp().start());
        TestFederation federation = TestFederation.connectingTo("127.0.0.1", coordinator.port());

        List<ClientRunner> runners = federation.start(3, index -> new TestCoordinatorTests.CountingClient());
        List<ClientProxy> clients = coordinator.awaitClients(3, BOUND);

        assertThat(clients).extracting(ClientProxy::peer).doesNotHaveDuplicates();
        assertThat(federation.runners()).isEqualTo(runners);
        federation.close();
        assertThat(runners).allSatisfy(runner -> {
            assertThat(runner.awaitTermination(BOUND)).isTrue();
            assertThat(runner.status().phase()).isEqualTo(ClientRunnerStatus.Phase.STOPPED);
        });
        coordinator.nextUnregistration();
        coordinator.nextUnregistration();
        coordinator.nextUnregistration();
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }
}
