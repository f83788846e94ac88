package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.TestMessages;
import io.fedlink.test.TestResources;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plain-Java coordinator, driven by the plain-Java client, as a user's {@code main} would use them. */
class CoordinatorServerTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final TestResources resources = new TestResources();

    private CoordinatorServer start(CoordinatorServer.Builder builder) throws IOException {
        return resources.register(builder.start());
    }

    private CoordinatorChannel channelTo(CoordinatorServer coordinator) {
        return resources.register(CoordinatorChannel.forTarget("127.0.0.1:" + coordinator.port()).usePlaintext().build());
    }

    @Test
    void disconnectingAllClientsEndsTheirRunnersAsFlowersEndOfTraining() throws Exception {
        CoordinatorServer coordinator = start(CoordinatorServer.forAddress("127.0.0.1", 0));
        ClientRunner first = channelTo(coordinator).runner(new FederatedClient() { });
        ClientRunner second = channelTo(coordinator).runner(new FederatedClient() { });
        first.start();
        second.start();
        coordinator.clientManager().getClients(2, BOUND);

        int acknowledged = coordinator.disconnectAllClients(BOUND);

        assertThat(acknowledged).isEqualTo(2);
        first.termination().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        second.termination().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        await("both clients are unregistered").atMost(BOUND).until(() -> coordinator.clientManager().numAvailable() == 0);
    }

    @Test
    void closingTheCoordinatorClosesOpenStreamsSayingSoInsteadOfWaitingForThem() throws Exception {
        CoordinatorServer coordinator = CoordinatorServer.forAddress("127.0.0.1", 0).start();
        Connection connection = resources.register(channelTo(coordinator).connectionTemplate().connect());
        coordinator.clientManager().getClients(1, BOUND);

        long started = System.nanoTime();
        coordinator.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND);
        assertThat(coordinator.server().isTerminated()).isTrue();
        assertThatThrownBy(() -> connection.consume(BOUND)).isInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("coordinator shutting down");
    }

    @Test
    void theSettingsMessageLimitIsEnforcedAndAnnouncedSoAFedlinkClientRefusesBeforeSending() throws Exception {
        CoordinatorServer coordinator = start(CoordinatorServer.forAddress("127.0.0.1", 0)
                .settings(CoordinatorSettings.builder().maxMessageSize(64 * 1024).build()));
        Connection connection = resources.register(channelTo(coordinator).connectionTemplate().connect());
        ClientProxy client = coordinator.clientManager().getClients(1, BOUND).get(0);
        CompletableFuture<ClientMessage> reply = client.runAsync(TestMessages.fitIns(8));
        ServerMessage instruction = connection.consume(BOUND).orElseThrow();
        assertThat(instruction.hasFitIns()).isTrue();

        assertThatThrownBy(() -> connection.dispatch(TestMessages.fitRes(1, 128 * 1024)))
                .hasMessageContaining(String.valueOf(64 * 1024));
        connection.dispatch(TestMessages.fitRes(3));

        assertThat(reply.get(BOUND.toSeconds(), TimeUnit.SECONDS).getFitRes().getNumExamples()).isEqualTo(3);
    }

    @Test
    void aPortInUseFailsTheStartNamingTheAddress() throws Exception {
        CoordinatorServer first = start(CoordinatorServer.forAddress("127.0.0.1", 0));

        assertThatThrownBy(() -> CoordinatorServer.forAddress("127.0.0.1", first.port()).start())
                .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + first.port());
    }

    @Test
    void aProxyFactoryMakesTheClientsHandles() throws Exception {
        class Participant extends ClientProxy {
            Participant(ClientStream stream) {
                super(stream);
            }
        }
        CoordinatorServer coordinator = start(CoordinatorServer.forAddress("127.0.0.1", 0).proxyFactory(Participant::new));
        resources.register(channelTo(coordinator).connectionTemplate().connect());

        assertThat(coordinator.clientManager().getClients(1, BOUND).get(0)).isInstanceOf(Participant.class);
    }
}
