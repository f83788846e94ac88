package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.jayway.jsonpath.JsonPath;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real sample coordinator (sample-server jar, FedAvg) trains the sample's logistic regression (weights (20,) and
 * bias (1,) as float32 .npy tensors) with two Java sample clients (sample-client jar) and two Flower-style Python
 * clients in the same rounds, every party in its own process on 127.0.0.1. Run by failsafe in the integration-test phase, after
 * Maven has packaged the samples (see {@link SampleApps}).
 *
 * <p>Where the results are read: the coordinator's {@code /actuator/fedlink} endpoint while it waits for its quorum
 * (three clients registered, no round yet); the round history in its last checkpoint after it exited (the same
 * {@code RoundRecord}s the endpoint shows, but still there when the process is gone:
 * {@code fedlink.server.training.exit-when-done} ends it seconds after the last round); and its log lines
 * {@code round n/N: replies 4/4, failures 0, ...}. The coordinator has no model of its own: it asks one client for its
 * starting model, so every client brings the same layout (20 weights and a bias).
 */
class SampleFederationIntegrationTests {

    private static final int ROUNDS = 5;
    private static final int CLIENTS = 4;
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern ROUND_LINE = Pattern.compile(
            "round (\\d+)/" + ROUNDS + ": replies (\\d+)/(\\d+), failures (\\d+), loss ([0-9.]+), accuracy ([0-9.]+)");

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void twoJavaSampleClientsAndTwoPythonClientsTrainTheSampleModelWithFedAvgAndEveryProcessExitsCleanly() throws Exception {
        Path serverJar = SampleApps.serverJar();
        Path clientJar = SampleApps.clientJar();
        Path portFile = fixture.logDir().resolve("grpc.port"); // the log directory starts empty: no earlier checkpoints
        Path checkpoints = fixture.logDir().resolve("checkpoints");

        ManagedProcess server = fixture.javaJar("sample-server", serverJar, "--grpc.server.port=0", "--server.port=0",
                "--sample.port-file=" + portFile, "--fedlink.server.training.exit-when-done=true",
                "--fedlink.server.quorum.min-clients=" + CLIENTS, "--fedlink.server.training.rounds=" + ROUNDS,
                "--fedlink.server.training.checkpoint-directory=" + checkpoints);
        int grpcPort = awaitPortFile(server, portFile);
        int httpPort = Integer.parseInt(server.awaitLine("Tomcat started on port (\\d+)", START).group(1));
        String address = "127.0.0.1:" + grpcPort;

        List<ManagedProcess> javaClients = List.of(sampleClient(clientJar, address, 0), sampleClient(clientJar, address, 1));
        ManagedProcess firstPython = pythonClient(address, 2);

        // Three of four: the coordinator waits for its quorum, so this state is stable enough to inspect.
        String waiting = awaitEndpoint(httpPort, json -> JsonPath.<Integer>read(json, "$.connectedClients") == 3);
        assertThat(JsonPath.<List<String>>read(waiting, "$.clients[*].id")).doesNotHaveDuplicates().hasSize(3);
        assertThat(JsonPath.<List<String>>read(waiting, "$.clients[*].peer")).allMatch(peer -> peer.contains("127.0.0.1"));
        assertThat(JsonPath.<List<Object>>read(waiting, "$.rounds")).as("no round before the quorum of 4").isEmpty();
        ManagedProcess secondPython = pythonClient(address, 3);

        server.awaitSuccess(Duration.ofMinutes(5));
        for (ManagedProcess client : List.of(javaClients.get(0), javaClients.get(1), firstPython, secondPython)) {
            client.awaitSuccess(Duration.ofSeconds(60));
        }

        Properties history = latestHistory(checkpoints);
        List<Double> accuracy = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            String p = String.format(Locale.ROOT, "round.%06d.", round);
            assertThat(history.getProperty(p + "status")).as("round %d", round).isEqualTo("COMPLETED");
            assertThat(history.getProperty(p + "clients_asked")).as("round %d asked", round).isEqualTo("4");
            assertThat(history.getProperty(p + "fit_replies")).as("round %d fit replies", round).isEqualTo("4");
            assertThat(history.getProperty(p + "evaluate_replies")).as("round %d evaluations", round).isEqualTo("4");
            assertThat(history.getProperty(p + "failures")).as("round %d failures", round).isEqualTo("0");
            accuracy.add(Double.parseDouble(history.getProperty(p + "metric.accuracy")));
            loss.add(Double.parseDouble(history.getProperty(p + "loss")));
        }
        assertThat(accuracy.get(ROUNDS - 1)).as("accuracy per round %s", accuracy).isGreaterThan(accuracy.get(0));
        assertThat(loss.get(ROUNDS - 1)).as("loss per round %s", loss).isLessThan(loss.get(0));

        Matcher lines = ROUND_LINE.matcher(server.output());
        int logged = 0;
        while (lines.find()) {
            int round = Integer.parseInt(lines.group(1));
            assertThat(lines.group()).startsWith("round " + round + "/" + ROUNDS + ": replies 4/4, failures 0");
            assertThat(Double.parseDouble(lines.group(6))).as("logged accuracy of round %d", round)
                    .isCloseTo(accuracy.get(round - 1), within(0.0005));
            logged++;
        }
        assertThat(logged).as("round lines in the coordinator's log").isEqualTo(ROUNDS);

        for (ManagedProcess python : List.of(firstPython, secondPython)) {
            assertThat(python.output().lines().filter(line -> line.startsWith("HANDLED fit_ins -> fit_res tensors=2 ")))
                    .as(python.name() + " fits").hasSize(ROUNDS);
            assertThat(python.output().lines().filter(line -> line.startsWith("HANDLED evaluate_ins -> evaluate_res")))
                    .as(python.name() + " evaluations").hasSize(ROUNDS);
            assertThat(python.output()).contains("SHUTDOWN reconnect_ins seconds=0", "EXIT 0");
        }
        for (ManagedProcess java : javaClients) {
            assertThat(java.output()).as(java.name())
                    .contains("asked this client to disconnect and shut down")
                    .containsPattern("stopped after 1 session\\(s\\) and " + (2 * ROUNDS + 1) + " instruction\\(s\\)");
        }
    }

    private ManagedProcess sampleClient(Path jar, String address, int index) {
        return fixture.javaJar("java-client-" + index, jar, "--grpc.client.fedlink.address=static://" + address,
                "--sample.client-index=" + index, "--sample.num-clients=" + CLIENTS);
    }

    private ManagedProcess pythonClient(String address, int partition) {
        return fixture.pythonClient("python-client-" + partition, address, "--partition", String.valueOf(partition),
                "--num-examples", "600", "--model-dim", String.valueOf(SampleApps.SAMPLE_FEATURES),
                "--true-model=" + SampleApps.trueModel());
    }

    private static int awaitPortFile(ManagedProcess server, Path portFile) {
        return server.awaitWhileRunning("the port file " + portFile, START, () -> Files.exists(portFile)
                ? Optional.of(Files.readString(portFile).strip()).filter(port -> !port.isEmpty()).map(Integer::valueOf)
                : Optional.empty());
    }

    /** Polls {@code /actuator/fedlink} until its JSON satisfies {@code condition}; fails with every peer's output. */
    private String awaitEndpoint(int httpPort, Predicate<String> condition) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/fedlink"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        AtomicReference<String> last = new AtomicReference<>("<no answer>");
        try {
            return await("/actuator/fedlink shows the expected state").atMost(START).pollInterval(Duration.ofMillis(250))
                    .failFast("a peer process exited", fixture::somePeerExited)
                    .until(() -> {
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            last.set(response.statusCode() + " " + response.body());
                            return response.statusCode() == 200 && condition.test(response.body())
                                    ? Optional.of(response.body()) : Optional.<String>empty();
                        } catch (IOException e) {
                            last.set(e.toString());
                            return Optional.<String>empty();
                        }
                    }, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            return fail(e.getMessage() + "; last answer: " + last.get() + "\n" + fixture.describePeers());
        }
    }

    /** history.properties of the newest round-*.npz checkpoint (see FileCheckpointStore). */
    private static Properties latestHistory(Path checkpoints) throws IOException {
        Path latest;
        try (Stream<Path> files = Files.list(checkpoints)) {
            latest = files.filter(file -> file.getFileName().toString().matches("round-\\d+\\.npz"))
                    .max(Comparator.comparing(file -> file.getFileName().toString()))
                    .orElseThrow(() -> new AssertionError("no checkpoint in " + checkpoints));
        }
        assertThat(latest.getFileName()).hasToString(String.format(Locale.ROOT, "round-%06d.npz", ROUNDS));
        Properties history = new Properties();
        try (ZipFile zip = new ZipFile(latest.toFile()); InputStream in = zip.getInputStream(zip.getEntry("history.properties"))) {
            history.load(in);
        }
        return history;
    }
}
