package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A relay made of configuration only (the sample-server jar with {@code fedlink.relay.enabled=true}) joins the
 * Flower-style Python server as its only client, and trains four Python clients of its own through it: the server sees
 * one client whose replies are the weighted means of four, in Flower's whole flow ({@code get_parameters}, fit and
 * evaluate rounds, {@code reconnect_ins{seconds: 0}}), and exits 0; the end of training reaches the Python clients.
 */
class RelayJoinsFlowerServerIntegrationTests {

    private InteropFixture fixture;

    @BeforeEach
    void setUp(TestInfo test) {
        fixture = InteropFixture.forTest(test);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void aRelayIsTheFlowerServersOnlyClientAndTrainsFourPythonClients() throws Exception {
        PeerProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "3");
        int serverPort = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        Path portFile = fixture.logDir().resolve("relay.port");
        PeerProcess relay = fixture.javaJar("relay", SampleApps.serverJar(), "--fedlink.relay.enabled=true",
                "--fedlink.relay.min-clients=4", "--grpc.client.fedlink.address=static://127.0.0.1:" + serverPort,
                "--grpc.client.fedlink.negotiation-type=plaintext", "--grpc.server.port=0", "--server.port=0",
                "--fedlink.server.training.auto-start=false", "--sample.port-file=" + portFile);
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(portFile) || !relay.isAlive());
        assertThat(relay.isAlive()).as("relay started: %s", relay.describe()).isTrue();
        String relayTarget = "127.0.0.1:" + Files.readString(portFile).trim();
        List<PeerProcess> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(fixture.pythonClient("python-client-" + i, relayTarget, "--partition", String.valueOf(i),
                    "--num-examples", String.valueOf(100 + 50 * i)));
        }

        server.awaitSuccess(Duration.ofMinutes(3));

        assertThat(server.stdout()).contains("ROUND 3 fit ok clients=1 examples=" + (100 + 150 + 200 + 250),
                "ROUND 3 evaluate ok", "DONE OK");
        for (PeerProcess client : clients) {
            client.awaitSuccess(Duration.ofSeconds(60));
        }
        assertThat(relay.stdout()).contains("Relay fit: 4 of 4 clients folded in (700 examples), 0 failed")
                .contains("Relay passed the end of training (reconnect_ins{seconds: 0}) on to 4 client(s), 4 acknowledged");
    }
}
