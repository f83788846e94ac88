package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A relay made of configuration only (the sample-server jar with {@code fedlink.relay.enabled=true}) joins the
 * Flower-style Python server as its only client, and trains four Python clients of its own through it: the server sees
 * one client whose replies are the weighted means of four, in Flower's whole flow ({@code get_parameters}, fit and
 * evaluate rounds, {@code reconnect_ins{seconds: 0}}), and exits 0; the end of training reaches the Python clients.
 */
class RelayJoinsFlowerServerIntegrationTests {

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void aRelayIsTheFlowerServersOnlyClientAndTrainsFourPythonClients() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "3");
        int serverPort = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        Path portFile = fixture.logDir().resolve("relay.port");
        ManagedProcess relay = fixture.javaJar("relay", SampleApps.serverJar(), "--fedlink.relay.enabled=true",
                "--fedlink.relay.min-clients=4", "--grpc.client.fedlink.address=static://127.0.0.1:" + serverPort,
                "--grpc.client.fedlink.negotiation-type=plaintext", "--grpc.server.port=0", "--server.port=0",
                "--fedlink.server.training.auto-start=false", "--sample.port-file=" + portFile);
        String relayTarget = "127.0.0.1:" + relay.awaitWhileRunning("port file " + portFile, Duration.ofSeconds(90),
                () -> Files.exists(portFile) ? Optional.of(Files.readString(portFile).trim()) : Optional.empty());
        List<ManagedProcess> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(fixture.pythonClient("python-client-" + i, relayTarget, "--partition", String.valueOf(i),
                    "--num-examples", String.valueOf(100 + 50 * i)));
        }

        server.awaitSuccess(Duration.ofMinutes(3));

        assertThat(server.output()).contains("ROUND 3 fit ok clients=1 examples=" + (100 + 150 + 200 + 250),
                "ROUND 3 evaluate ok", "DONE OK");
        for (ManagedProcess client : clients) {
            client.awaitSuccess(Duration.ofSeconds(60));
        }
        assertThat(relay.output()).contains("Relay fit: 4 of 4 clients folded in (700 examples), 0 failed")
                .contains("Relay passed the end of training (reconnect_ins{seconds: 0}) on to 4 client(s), 4 acknowledged");
    }
}
