package io.fedlink.sample.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.coordinator.TrainingProgress;
import io.fedlink.coordinator.TrainingProgress.CurrentRound;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.server.ClientManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The dashboard in a real browser (Debian's headless chromium) while the sample coordinator trains with three real
 * clients over TCP: the page is loaded at two moments of training and must show the clients, the live round and a
 * chart that grew in between. Leaves a screenshot in {@code target/dashboard/dashboard.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "grpc.server.port=0", "fedlink.server.quorum.min-clients=3", "fedlink.server.training.rounds=10",
        "fedlink.server.reply-timeout=3m", "sample.learning-rate=0.5"})
@Import(GrpcPort.class)
@DirtiesContext
class DashboardBrowserTests {

    private static final Duration BOUND = Duration.ofMinutes(2);
    private static final Path SCREENSHOT = Path.of("target", "dashboard", "dashboard.png");

    @LocalServerPort
    int httpPort;

    @Autowired
    GrpcPort grpcPort;

    @Autowired
    TrainingProgress progress;

    @Autowired
    ClientManager clientManager;

    @Test
    void showsClientsTheLiveRoundAndAChartThatGrowsWhileTrainingRuns() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        String page = "http://127.0.0.1:" + httpPort + "/";
        try (TestClients clients = TestClients.start(grpcPort.get(), 3, PacedLogisticClient.FEATURES, Duration.ofMillis(700))) {
            clients.gate.allow(3);
            clients.gate.allow(0, 4);
            awaitCurrentRound(new CurrentRound(4, 3, 1, 0));
            await("two clients hold round 4's fit_ins").atMost(BOUND).until(() -> clientManager.all().stream()
                    .filter(client -> client.stream().instructionInFlight().filter("fit_ins"::equals).isPresent())
                    .count() == 2);

            String early = chromium.dumpDom(page);
            chromium.screenshot(page, SCREENSHOT);

            clients.gate.allow(6);
            awaitCurrentRound(new CurrentRound(7, 3, 0, 0));
            String later = chromium.dumpDom(page);

            clients.gate.open();
            await("training ends").atMost(BOUND).until(() -> progress.rounds().size() == 10);
            assertThat(progress.rounds()).allSatisfy(record -> assertThat(record.completed()).isTrue());

            assertThat(text(early, "state")).isEqualTo("training");
            assertThat(text(early, "client-count")).isEqualTo("3");
            assertThat(count(early, "<tr data-client-id=")).isEqualTo(3);
            assertThat(count(early, "<td class=\"mono\">fit_ins</td>")).isEqualTo(2);
            assertThat(text(early, "round")).isEqualTo("4/10");
            assertThat(text(early, "replies")).isEqualTo("1/3");
            assertThat(text(early, "failures")).isEqualTo("0");
            assertThat(text(early, "stragglers")).isEqualTo("2");
            assertThat(count(early, "class=\"point loss\"")).isEqualTo(3);
            assertThat(count(early, "class=\"point accuracy\"")).isEqualTo(3);
            assertThat(count(early, "class=\"series loss\"")).isEqualTo(1);

            assertThat(text(later, "client-count")).isEqualTo("3");
            assertThat(text(later, "round")).isEqualTo("7/10");
            assertThat(text(later, "stragglers")).isEqualTo("3");
            assertThat(count(later, "class=\"point loss\"")).isEqualTo(6);
            assertThat(count(later, "class=\"point accuracy\"")).isEqualTo(6);
            assertThat(count(later, "<tr data-round=")).isEqualTo(6);
            assertThat(later).containsPattern("loss \\d+\\.\\d{3} after round 6")
                    .containsPattern("accuracy \\d\\.\\d{3} after round 6");
            assertThat(early).doesNotContain("after round 4");

            byte[] png = Files.readAllBytes(SCREENSHOT);
            assertThat(png).hasSizeGreaterThan(10_000);
            assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    private void awaitCurrentRound(CurrentRound expected) throws InterruptedException {
        await("the coordinator is in " + expected).atMost(BOUND).until(
                () -> progress.current().filter(expected::equals).isPresent());
    }

    /** The text of the element with this id, as the rendered DOM has it. */
    private static String text(String dom, String id) {
        Matcher matcher = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
        assertThat(matcher.find()).as("the page has an element #%s:%n%s", id, dom).isTrue();
        return matcher.group(1);
    }

    private static int count(String dom, String fragment) {
        int count = 0;
        for (int at = dom.indexOf(fragment); at >= 0; at = dom.indexOf(fragment, at + 1)) {
            count++;
        }
        return count;
    }
}
