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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A coordinator with no Java code of the user's: the sample-server jar configured only by properties (the strategy by
 * name, training on start-up, exit when done) trains two Flower-style Python clients on a model it has never seen,
 * logistic regression with 3 weights and a bias, whose first version one client gives ({@code get_parameters}, as
 * Flower does). The loss falls and every process exits 0, with FedAvg and with FedAdam.
 */
class CoordinatorWithoutJavaCodeIntegrationTests {

    private static final int ROUNDS = 5;
    private static final Duration BOUND = Duration.ofMinutes(4);
    private static final Pattern ROUND_LINE = Pattern.compile(
            "round (\\d+)/" + ROUNDS + ": replies 2/2, failures 0, loss ([0-9.]+), accuracy ([0-9.]+)");

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @ParameterizedTest
    @ValueSource(strings = {"FedAvg", "FedAdam"})
    void twoPythonClientsTrainAModelTheCoordinatorHasNeverSeen(String strategy) throws Exception {
        Path portFile = fixture.logDir().resolve("grpc-" + strategy + ".port");
        Files.deleteIfExists(portFile);
        ManagedProcess server = fixture.javaJar("sample-server-" + strategy, SampleApps.serverJar(), "--grpc.server.port=0",
                "--server.port=0", "--sample.port-file=" + portFile,
                "--fedlink.server.strategy.name=" + strategy,
                "--fedlink.server.quorum.min-clients=2",
                "--fedlink.server.training.rounds=" + ROUNDS,
                "--fedlink.server.training.exit-when-done=true",
                "--sample.learning-rate=0.5", "--sample.local-epochs=2");
        String address = "127.0.0.1:" + awaitPortFile(server, portFile);
        List<ManagedProcess> clients = new ArrayList<>();
        for (int partition = 0; partition < 2; partition++) {
            clients.add(fixture.pythonClient("python-" + strategy + "-" + partition, address, "--model-dim", "3",
                    "--partition", String.valueOf(partition), "--num-examples", "400", "--true-model=1.5,-2.0,0.5,0.25"));
        }

        server.awaitSuccess(BOUND);
        for (ManagedProcess client : clients) {
            client.awaitSuccess(Duration.ofSeconds(60));
            assertThat(client.output()).contains("SHUTDOWN reconnect_ins seconds=0", "EXIT 0");
        }

        String log = server.output();
        assertThat(log).contains("Requesting initial parameters from one random client")
                .containsPattern("Received initial parameters from one random client: [0-9a-f-]+ \\(.*\\), 2 tensor\\(s\\)")
                .contains("Training with " + strategy + "(");
        List<Double> losses = new ArrayList<>();
        Matcher rounds = ROUND_LINE.matcher(log);
        while (rounds.find()) {
            losses.add(Double.parseDouble(rounds.group(2)));
        }
        assertThat(losses).as("round lines of\n%s", log).hasSize(ROUNDS);
        assertThat(losses.get(ROUNDS - 1)).as("loss per round %s", losses).isLessThan(losses.get(0));
        assertThat(log).contains("Training finished: " + ROUNDS + " rounds (" + ROUNDS + " completed)");
    }

    private static int awaitPortFile(ManagedProcess server, Path portFile) {
        return server.awaitWhileRunning("the port file " + portFile, Duration.ofSeconds(120), () -> Files.exists(portFile)
                ? Optional.of(Files.readString(portFile).strip()).filter(port -> !port.isEmpty()).map(Integer::valueOf)
                : Optional.empty());
    }
}
