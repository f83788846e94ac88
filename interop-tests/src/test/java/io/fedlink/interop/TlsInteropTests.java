package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCertificates;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestCoordinatorBuilder;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS across languages with a keytool-made self-signed certificate (no openssl). */
class TlsInteropTests {

    /** One certificate for the class, for 127.0.0.1 and localhost: keytool takes seconds on a busy machine. */
    private static Path certificatePem;
    private static Path privateKeyPem;

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws IOException {
        Path keyStore = TestCertificates.keyStore(dir, "server");
        certificatePem = TestCertificates.certificatePem(keyStore, "server");
        privateKeyPem = TestCertificates.privateKeyPem(keyStore, "server");
    }

    private static TestCoordinatorBuilder tlsCoordinator() {
        return InteropFixture.coordinatorBuilder().useTransportSecurity(certificatePem.toFile(), privateKeyPem.toFile());
    }

    @Test
    void pythonClientTrustingTheSelfSignedCertificateJoinsTheTlsCoordinatorAndAnswersAFit() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(tlsCoordinator());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(),
                "--tls-root-cert", certificatePem.toString());
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
        TestCoordinator coordinator = fixture.coordinator(tlsCoordinator());
        ManagedProcess python = fixture.pythonClient("python-plaintext", coordinator.target());

        python.awaitLine("^STREAM-FAILED UNAVAILABLE", Duration.ofSeconds(60));
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }

    @Test
    void javaClientJoinsTheTlsPythonServerAndCompletesItsRounds() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "2",
                "--tls-cert", certificatePem.toString(),
                "--tls-key", privateKeyPem.toString());
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        JavaTestClient java = fixture.closeAtEnd(
                JavaTestClient.joinTls("java-client", "127.0.0.1", port, certificatePem));

        server.awaitSuccess(Duration.ofSeconds(120));

        assertThat(server.output()).contains("ROUND 2 evaluate ok", "DONE OK");
        assertThat(java.finished().get(30, TimeUnit.SECONDS)).isEqualTo("reconnect");
    }
}
