package io.fedlink.test;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kit's coordinator: what it hands out works over both transports, and closing it leaves nothing running. */
class TestCoordinatorTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final TestResources resources = new TestResources();

    /** Trains by counting: each fit answers with the size of the first tensor it was sent. */
    static final class CountingClient implements FederatedClient {
        @Override
        public FitRes fit(FitIns ins) {
            return FitRes.newBuilder().setNumExamples(ins.getParameters().getTensors(0).size()).build();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aConnectedFederatedClientIsReturnedAsItsRegisteredProxyAndAnswers(Transport transport) {
        TestCoordinator coordinator = resources.register(transport.coordinator().start());

        ClientProxy client = coordinator.connect(new CountingClient());

        assertThat(coordinator.clientManager().all()).containsExactly(client);
        assertThat(client.run(fitIns(42)).getFitRes().getNumExamples()).isEqualTo(42);
    }

    @Test
    void connectingSeveralClientsReturnsEachOnesOwnProxyInOrder() {
        TestCoordinator coordinator = resources.register(TestCoordinator.inProcess().start());

        List<ClientProxy> clients = coordinator.connect(3, index -> new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                return FitRes.newBuilder().setNumExamples(index).build();
            }
        });

        assertThat(clients).extracting(client -> client.fit(FitIns.getDefaultInstance()).getNumExamples())
                .containsExactly(0L, 1L, 2L);
    }

    @Test
    void aScriptedClientAnswersWhatItsScriptSaysAfterTheSeedsHandshake() throws Exception {
        TestCoordinator coordinator = resources.register(TestCoordinator.inProcess().start());

        ClientProxy client = coordinator.join((instruction, connection) -> fitRes(7));

        assertThat(client.run(fitIns(1)).getFitRes().getNumExamples()).isEqualTo(7);
        assertThat(coordinator.handshakes()).isEqualTo(1);
    }

    @Test
    void closingTheCoordinatorStopsTheClientsItStartedAndTheirStreams() throws Exception {
        TestCoordinator coordinator = TestCoordinator.tcp().start();
        coordinator.connect(new CountingClient());
        ClientRunner runner = coordinator.federation().runners().get(0);

        coordinator.close();

        assertThat(runner.awaitTermination(BOUND)).isTrue();
        assertThat(coordinator.server().server().isTerminated()).isTrue();
    }

    @Test
    void aTcpCoordinatorShutDownRefusesClientsUntilRestartedOnTheSamePort() throws Exception {
        TestCoordinator coordinator = resources.register(TestCoordinator.tcp().start());
        int port = coordinator.port();
        coordinator.connect(new CountingClient());
        assertThat(coordinator.nextClient()).isNotNull();

        coordinator.shutdown();
        assertThat(coordinator.nextUnregistration()).isNotNull();
        coordinator.restart();

        assertThat(coordinator.port()).isEqualTo(port);
        ClientProxy back = coordinator.nextClient(Duration.ofSeconds(30)); // the runner reconnects with its backoff
        assertThat(back.run(fitIns(5)).getFitRes().getNumExamples()).isEqualTo(5);
    }

    @Test
    void aTlsCoordinatorServesTheChannelsItMakesAndRefusesPlaintext(@TempDir Path dir) throws Exception {
        Path keyStore = TestCertificates.keyStore(dir, "coordinator");
        TestCoordinator coordinator = resources.register(TestCoordinator.tcp().useTransportSecurity(
                TestCertificates.certificatePem(keyStore, "coordinator").toFile(),
                TestCertificates.privateKeyPem(keyStore, "coordinator").toFile()).start());

        ClientProxy client = coordinator.connect(new CountingClient());
        assertThat(client.run(fitIns(3)).getFitRes().getNumExamples()).isEqualTo(3);

        TestFederation plaintext = resources.register(TestFederation.connectingTo("127.0.0.1", coordinator.port()));
        ClientRunner refused = plaintext.start(new CountingClient());
        await("the plaintext client fails to connect").atMost(BOUND)
                .until(() -> refused.status().failedAttempts() > 0);
        assertThat(coordinator.clientManager().numAvailable()).isEqualTo(1);
    }

    @Test
    void optionsOfATcpCoordinatorAreRefusedForAnInProcessOneNamingTheFactory() {
        assertThatThrownBy(() -> TestCoordinator.inProcess().port(9090))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TestCoordinator.tcp()");
    }

    @Test
    void aClientThatLeavesIsSeenAsAnUnregistrationWithItsReason() throws Exception {
        TestCoordinator coordinator = resources.register(TestCoordinator.inProcess().start());
        coordinator.connect(new CountingClient());
        ClientRunner runner = coordinator.federation().runners().get(0);

        runner.stop(BOUND);

        assertThat(coordinator.nextUnregistration()).isIn(DisconnectReason.CANCELLED, DisconnectReason.CLIENT_COMPLETED);
    }
}
