package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** fedlink's Java client (ConnectionTemplate/Connection) joining a Flower-style Python server. */
class JavaClientAgainstPythonServerTests {

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void javaClientWithoutHandshakeCompletesEveryRoundAndTheServerFindsEveryReplyRight() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "3");
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        JavaTestClient java = fixture.closeAtEnd(JavaTestClient.join("java-client", "127.0.0.1", port, 1f));

        server.awaitSuccess(Duration.ofSeconds(120));

        assertThat(server.output()).contains("ROUND 3 evaluate ok", "disconnect_res RECONNECT", "DONE OK");
        assertThat(java.finished().get(30, TimeUnit.SECONDS)).isEqualTo("reconnect");
        assertThat(java.handled()).containsExactly("get_parameters_ins", "fit_ins", "evaluate_ins", "fit_ins",
                "evaluate_ins", "fit_ins", "evaluate_ins", "reconnect_ins");
    }

    @Test
    void seedStyleHandshakeIsTakenAsAWrongReplyByAFlowerStyleServer() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "1");
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        fixture.closeAtEnd(JavaTestClient.joinWithHandshake("java-client", "127.0.0.1", port));

        assertThat(server.awaitExit(Duration.ofSeconds(120))).as(server.describe()).isEqualTo(1);
        assertThat(server.output()).contains("answered get_parameters_ins with an empty ClientMessage");
    }
}
