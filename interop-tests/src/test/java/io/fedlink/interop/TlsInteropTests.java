package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** TLS across languages with a keytool-made self-signed certificate (no openssl). */
class TlsInteropTests {

    /** One certificate for the class: keytool takes seconds on a busy machine. */
    private static SelfSignedCertificate certificate;

    private InteropFixture fixture;

    @BeforeAll
    static void makeCertificate() {
        Path logs = Path.of(System.getProperty("fedlink.interop.logs", "target/interop-logs"));
        certificate = SelfSignedCertificate.create(logs.resolve(TlsInteropTests.class.getSimpleName()).resolve("tls"));
    }

    @BeforeEach
    void setUp(TestInfo test) {
        fixture = InteropFixture.forTest(test);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void pythonClientTrustingTheSelfSignedCertificateJoinsTheTlsCoordinatorAndAnswersAFit() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(TestCoordinator.builder().tls(certificate));
        PeerProcess python = fixture.pythonClient("python-client", coordinator.target(),
                "--tls-root-cert", certificate.certificatePem().toString());
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);

        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder()
                .setParameters(PythonClientInteropTests.model(new float[8], new float[1])).build());

        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(fit.getNumExamples()).isEqualTo(200);
        client.reconnect(0);
        python.awaitSuccess(Duration.ofSeconds(60));
    }

    @Test
    void pythonClientWithoutTheCertificateCannotJoinTheTlsCoordinator() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(TestCoordinator.builder().tls(certificate));
        PeerProcess python = fixture.pythonClient("python-plaintext", coordinator.target());

        python.awaitLine("^STREAM-FAILED UNAVAILABLE", Duration.ofSeconds(60));
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }

    @Test
    void javaClientJoinsTheTlsPythonServerAndCompletesItsRounds() throws Exception {
        PeerProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "2",
                "--tls-cert", certificate.certificatePem().toString(),
                "--tls-key", certificate.writePrivateKeyPem().toString());
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        JavaTestClient java = fixture.closeAtEnd(
                JavaTestClient.joinTls("java-client", "127.0.0.1", port, certificate.certificatePem()));

        server.awaitSuccess(Duration.ofSeconds(120));

        assertThat(server.stdout()).contains("ROUND 2 evaluate ok", "DONE OK");
        assertThat(java.finished().get(30, TimeUnit.SECONDS)).isEqualTo("reconnect");
    }
}
