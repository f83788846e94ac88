package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The other way round: a Flower-style Python server in Flower's default flow (no initial parameters: it asks one
 * client for them with {@code get_parameters_ins}, then fits and evaluates every round, then sends
 * {@code reconnect_ins{seconds: 0}}) trains two sample-client jars, as a stock Flower server with {@code FedAvg()}
 * would. Before the sample client answered {@code get_parameters}, the server failed on its first reply.
 */
class FlowerServerTrainsSampleClientsIntegrationTests {

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void aFlowerStyleServerInFlowersDefaultFlowTrainsTwoSampleClients() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "2", "--rounds", "3");
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        List<ManagedProcess> clients = List.of(sampleClient(port, 0), sampleClient(port, 1));

        server.awaitSuccess(Duration.ofMinutes(3));
        for (ManagedProcess client : clients) {
            client.awaitSuccess(Duration.ofSeconds(60));
            assertThat(client.output()).contains("asked this client to disconnect and shut down");
        }
        assertThat(server.output()).containsPattern("INITIAL .* tensors=2 shapes=20,1")
                .contains("ROUND 3 evaluate ok", "DONE OK");
        assertThat(clients.get(0).output() + clients.get(1).output())
                .contains("get_parameters: giving the starting model (20 features and a bias, zeros)");
    }

    private ManagedProcess sampleClient(int port, int index) {
        return fixture.javaJar("sample-client-" + index, SampleApps.clientJar(),
                "--grpc.client.fedlink.address=static://127.0.0.1:" + port, "--sample.client-index=" + index,
                "--sample.num-clients=2");
    }
}
