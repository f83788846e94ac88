package io.fedlink.sample.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedlink.coordinator.TrainingProgress;
import io.fedlink.coordinator.TrainingProgress.CurrentRound;
import io.fedlink.coordinator.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/** {@code GET /api/status} over HTTP through a real training: quorum wait, a live round, the end. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "grpc.server.port=0", "fedlink.server.quorum.min-clients=3", "fedlink.server.training.rounds=3",
        "fedlink.server.reply-timeout=3m"})
@Import(GrpcPort.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class DashboardControllerTests {

    private static final Duration BOUND = Duration.ofMinutes(2);

    @LocalServerPort
    int httpPort;

    @Autowired
    GrpcPort grpcPort;

    @Autowired
    TrainingProgress progress;

    @Autowired
    TrainingRun run;

    @Test
    void statusFollowsTrainingFromTheQuorumWaitThroughALiveRoundToTheEnd() throws Exception {
        JsonNode waiting = Http.json(httpPort, "/api/status");
        assertThat(waiting.get("state").asText()).isEqualTo("waiting for quorum");
        assertThat(waiting.get("minClients").asInt()).isEqualTo(3);
        assertThat(waiting.get("rounds").asInt()).isEqualTo(3);
        assertThat(waiting.get("connectedClients").asInt()).isZero();
        assertThat(waiting.get("clients")).isEmpty();
        assertThat(waiting.get("current").isNull()).isTrue();
        assertThat(waiting.get("history")).isEmpty();

        try (TestClients clients = TestClients.start(grpcPort.get(), 3, PacedLogisticClient.FEATURES, Duration.ZERO)) {
            clients.gate.allow(1);
            clients.gate.allow(0, 2);
            await("round 2 has one fit reply").atMost(BOUND).until(
                    () -> progress.current().filter(new CurrentRound(2, 3, 1, 0)::equals).isPresent());

            JsonNode live = Http.json(httpPort, "/api/status");
            assertThat(live.get("state").asText()).isEqualTo("training");
            assertThat(live.get("connectedClients").asInt()).isEqualTo(3);
            List<String> inFlight = new ArrayList<>();
            for (JsonNode client : live.get("clients")) {
                assertThat(client.get("id").asText()).isNotBlank();
                assertThat(client.get("peer").asText()).contains("127.0.0.1");
                assertThat(Instant.parse(client.get("connectedSince").asText())).isBefore(Instant.now());
                inFlight.add(client.get("instructionInFlight").isNull() ? "none" : client.get("instructionInFlight").asText());
            }
            assertThat(inFlight).containsExactlyInAnyOrder("fit_ins", "fit_ins", "none");
            JsonNode current = live.get("current");
            assertThat(current.get("round").asInt()).isEqualTo(2);
            assertThat(current.get("clientsAsked").asInt()).isEqualTo(3);
            assertThat(current.get("fitReplies").asInt()).isEqualTo(1);
            assertThat(current.get("fitFailures").asInt()).isZero();
            assertThat(current.get("stragglers").asInt()).isEqualTo(2);
            assertThat(live.get("history")).singleElement().satisfies(round -> {
                assertThat(round.get("round").asInt()).isEqualTo(1);
                assertThat(round.get("status").asText()).isEqualTo("completed");
                assertThat(round.get("fitReplies").asInt()).isEqualTo(3);
                assertThat(round.get("clientsAsked").asInt()).isEqualTo(3);
                assertThat(round.get("failures").asInt()).isZero();
                assertThat(round.get("loss").isNumber()).isTrue();
                assertThat(round.get("accuracy").asDouble()).isBetween(0.0, 1.0);
                assertThat(round.get("seconds").asDouble()).isPositive();
            });

            clients.gate.open();
            await("training finishes").atMost(BOUND).until(() -> run.phase() == TrainingRun.Phase.FINISHED);
        }
        JsonNode done = Http.json(httpPort, "/api/status");
        assertThat(done.get("state").asText()).isEqualTo("finished");
        assertThat(done.get("current").isNull()).isTrue();
        assertThat(done.get("history")).hasSize(3);
    }

    @Test
    void theDashboardAddressIsLoggedAtStartUp(CapturedOutput output) {
        assertThat(output.getOut()).contains("Dashboard: http://127.0.0.1:" + httpPort + "/");
    }
}
