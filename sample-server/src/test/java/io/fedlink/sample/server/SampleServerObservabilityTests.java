package io.fedlink.sample.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedlink.coordinator.TrainingProgress;
import io.fedlink.coordinator.TrainingProgress.CurrentRound;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.event.RoundCompletedEvent;
import io.fedlink.event.RoundStartedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;

/**
 * What an operator reads from a running sample coordinator over HTTP during a real training with three TCP clients:
 * the health (quorum), the {@code fedlink} endpoint, Prometheus series, and the round events an application hears.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "grpc.server.port=0", "fedlink.server.quorum.min-clients=3", "fedlink.server.training.rounds=3",
        "fedlink.server.reply-timeout=3m"})
@Import({GrpcPort.class, SampleServerObservabilityTests.RoundEvents.class})
@AutoConfigureObservability(tracing = false) // tests switch metric export (and so /actuator/prometheus) off otherwise
@DirtiesContext
class SampleServerObservabilityTests {

    private static final Duration BOUND = Duration.ofMinutes(2);

    /** An application bean that listens to the round events, as a user's would. */
    @TestConfiguration(proxyBeanMethods = false)
    static class RoundEvents {
        final List<Object> heard = new CopyOnWriteArrayList<>();

        @EventListener
        void on(RoundStartedEvent event) {
            heard.add(event);
        }

        @EventListener
        void on(RoundCompletedEvent event) {
            heard.add(event);
        }
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    GrpcPort grpcPort;

    @Autowired
    TrainingProgress progress;

    @Autowired
    TrainingRun run;

    @Autowired
    RoundEvents events;

    @Test
    void healthEndpointMetricsAndEventsReportARealTraining() throws Exception {
        JsonNode waiting = Http.json(httpPort, "/actuator/health");
        assertThat(waiting.get("status").asText()).isEqualTo("UP");
        assertThat(waiting.at("/components/fedlink/details/quorumReached").asBoolean()).isFalse();
        assertThat(waiting.at("/components/fedlink/details/minClients").asInt()).isEqualTo(3);

        try (TestClients clients = TestClients.start(grpcPort.get(), 3, PacedLogisticClient.FEATURES, Duration.ZERO)) {
            clients.gate.allow(2);
            await("round 3 waits for its fits").atMost(BOUND).until(
                    () -> progress.current().filter(new CurrentRound(3, 3, 0, 0)::equals).isPresent());

            JsonNode health = Http.json(httpPort, "/actuator/health");
            assertThat(health.at("/components/fedlink/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/fedlink/details/connectedClients").asInt()).isEqualTo(3);
            assertThat(health.at("/components/fedlink/details/quorumReached").asBoolean()).isTrue();

            JsonNode fedlink = Http.json(httpPort, "/actuator/fedlink");
            assertThat(fedlink.get("connectedClients").asInt()).isEqualTo(3);
            assertThat(fedlink.get("clients")).hasSize(3).allSatisfy(client -> {
                assertThat(client.get("id").asText()).isNotBlank();
                assertThat(client.get("instructionInFlight").asText()).isEqualTo("fit_ins");
            });
            assertThat(fedlink.get("rounds")).hasSize(2);
            assertThat(fedlink.at("/rounds/1/round").asInt()).isEqualTo(2);
            assertThat(fedlink.at("/rounds/1/status").asText()).isEqualTo("COMPLETED");
            assertThat(fedlink.at("/rounds/1/fitReplies").asInt()).isEqualTo(3);

            String prometheus = Http.get(httpPort, "/actuator/prometheus");
            assertThat(sample(prometheus, "fedlink_clients_connected")).isEqualTo(3.0);
            assertThat(sample(prometheus, "fedlink_rounds_seconds_count{status=\"completed\"}")).isEqualTo(2.0);
            assertThat(sample(prometheus, "fedlink_instructions_seconds_count{instruction=\"fit_ins\",outcome=\"ok\"}"))
                    .isEqualTo(6.0);
            assertThat(sample(prometheus, "fedlink_instructions_seconds_count{instruction=\"evaluate_ins\",outcome=\"ok\"}"))
                    .isEqualTo(6.0);
            assertThat(sample(prometheus, "fedlink_message_size_bytes_sum{direction=\"sent\",instruction=\"fit_ins\"}"))
                    .isPositive();

            clients.gate.open();
            await("training finishes").atMost(BOUND).until(() -> run.phase() == TrainingRun.Phase.FINISHED);
        }
        await("all six round events arrive").atMost(BOUND).until(() -> events.heard.size() == 6);
        assertThat(events.heard).extracting(event -> event.getClass().getSimpleName() + " " + round(event))
                .containsExactly("RoundStartedEvent 1", "RoundCompletedEvent 1", "RoundStartedEvent 2",
                        "RoundCompletedEvent 2", "RoundStartedEvent 3", "RoundCompletedEvent 3");
        assertThat(events.heard).filteredOn(RoundStartedEvent.class::isInstance)
                .allSatisfy(event -> assertThat(((RoundStartedEvent) event).getClientsAsked()).isEqualTo(3));
        assertThat(events.heard).filteredOn(RoundCompletedEvent.class::isInstance).allSatisfy(event -> {
            var record = ((RoundCompletedEvent) event).getRecord();
            assertThat(record.completed()).isTrue();
            assertThat(record.metrics()).containsKey("accuracy");
        });
    }

    private static int round(Object event) {
        return event instanceof RoundStartedEvent started ? started.getRound()
                : ((RoundCompletedEvent) event).getRecord().round();
    }

    /** The value of the Prometheus sample whose name and labels start with {@code series}. */
    private static double sample(String exposition, String series) {
        String labels = series.contains("{") ? Pattern.quote(series.substring(0, series.length() - 1)) + "[^}]*\\}"
                : Pattern.quote(series) + "(\\{[^}]*\\})?";
        Matcher matcher = Pattern.compile("(?m)^" + labels + " (\\S+)$").matcher(exposition);
        assertThat(matcher.find()).as("a %s sample in:%n%s", series, exposition).isTrue();
        return Double.parseDouble(matcher.group(matcher.groupCount()));
    }
}
