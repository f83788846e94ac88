package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedlink.actuate.FedlinkEndpoint;
import io.fedlink.actuate.FedlinkHealthIndicator;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.event.ClientRegisteredEvent;
import io.fedlink.event.ClientUnregisteredEvent;
import io.fedlink.event.RoundCompletedEvent;
import io.fedlink.event.RoundFailedEvent;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.RoundStatus;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.server.DisconnectReason;
import io.fedlink.test.TestMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/** Metrics, events, health and the endpoint of a coordinator app after real instructions over a real stream. */
class FedlinkObservabilityTests {

    @SpringBootApplication
    static class App {
        final List<Object> events = new CopyOnWriteArrayList<>();

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @EventListener
        void on(ClientRegisteredEvent event) {
            events.add(event);
        }

        @EventListener
        void on(ClientUnregisteredEvent event) {
            events.add(event);
        }

        @EventListener
        void on(RoundCompletedEvent event) {
            events.add(event);
        }

        @EventListener
        void on(RoundFailedEvent event) {
            events.add(event);
        }
    }

    @Test
    void aRoundWithoutClientsIsAFailedRoundInEventsAndMetrics() throws Exception {
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("grpc.server.in-process-name=fedlink-obs-" + UUID.randomUUID(), "grpc.server.port=-1",
                        "fedlink.server.quorum.min-clients=1", "fedlink.server.quorum.timeout=200ms",
                        "fedlink.server.training.rounds=1")
                .run()) {
            TrainingResult result = server.getBean(FederatedTrainingConfigurer.class)
                    .builder(ParametersCodec.encode(NdArray.of(new float[] {0f}))).build().run();

            assertThat(result.history().rounds()).singleElement().extracting(RoundRecord::status)
                    .isEqualTo(RoundStatus.FAILED);
            assertThat(server.getBean(App.class).events).singleElement().isInstanceOfSatisfying(RoundFailedEvent.class,
                    event -> assertThat(event.getRecord().failureReason()).contains("no clients selected"));
            MeterRegistry meters = server.getBean(MeterRegistry.class);
            assertThat(meters.get("fedlink.rounds").tag("status", "failed").timer().count()).isEqualTo(1);
            assertThat(meters.get("fedlink.rounds").tag("status", "completed").timer().count()).isZero();
        }
    }

    @Test
    void metricsEventsHealthAndEndpointReflectWhatHappened() throws Exception {
        String name = "fedlink-obs-" + UUID.randomUUID();
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("grpc.server.in-process-name=" + name, "grpc.server.port=-1",
                        "fedlink.server.reply-timeout=300ms", "fedlink.server.timeout-policy=keep",
                        "fedlink.server.quorum.min-clients=2", "management.endpoints.web.exposure.include=health,fedlink")
                .run();
             ConfigurableApplicationContext client = new SpringApplicationBuilder(App.class)
                     .web(WebApplicationType.NONE)
                     .properties("grpc.client.fedlink.address=in-process:" + name).run()) {
            ClientManager manager = server.getBean(ClientManager.class);
            FedlinkHealthIndicator health = server.getBean(FedlinkHealthIndicator.class);
            MeterRegistry meters = server.getBean(MeterRegistry.class);
            Connection connection = client.getBean(ConnectionTemplate.class).connect();
            ClientProxy proxy = manager.getClients(1, Duration.ofSeconds(10)).get(0);

            Health waiting = health.health();
            assertThat(waiting.getStatus()).isEqualTo(Status.UP);
            assertThat(waiting.getDetails()).containsEntry("connectedClients", 1).containsEntry("quorumReached", false);
            assertThat(meters.get("fedlink.clients.connected").gauge().value()).isEqualTo(1.0);

            CompletableFuture<?> ok = proxy.runAsync(TestMessages.fitIns(1000));
            connection.consume();
            Map<String, Object> endpoint = server.getBean(FedlinkEndpoint.class).fedlink();
            assertThat(endpoint.get("connectedClients")).isEqualTo(1);
            assertThat(((List<?>) endpoint.get("clients"))).singleElement()
                    .hasFieldOrPropertyWithValue("id", proxy.id())
                    .hasFieldOrPropertyWithValue("instructionInFlight", "fit_ins");
            connection.dispatch(TestMessages.fitRes(1, 500));
            ok.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> proxy.run(TestMessages.evaluateIns())).isInstanceOf(ClientReplyTimeoutException.class);

            assertThat(meters.get("fedlink.instructions").tags("instruction", "fit_ins", "outcome", "ok").timer().count())
                    .isEqualTo(1);
            assertThat(meters.get("fedlink.instructions").tags("instruction", "evaluate_ins", "outcome", "timeout")
                    .timer().count()).isEqualTo(1);
            assertThat(meters.get("fedlink.message.size").tags("direction", "sent", "instruction", "fit_ins")
                    .summary().totalAmount()).isGreaterThan(1000);
            assertThat(meters.get("fedlink.message.size").tags("direction", "received", "instruction", "fit_ins")
                    .summary().totalAmount()).isGreaterThan(500);

            connection.abort("test ends");
            await("the client is unregistered").atMost(Duration.ofSeconds(10)).until(() -> manager.numAvailable() == 0);
            App app = server.getBean(App.class);
            await("both events arrive").atMost(Duration.ofSeconds(10)).until(() -> app.events.size() == 2);
            assertThat(app.events.get(0)).isInstanceOf(ClientRegisteredEvent.class);
            assertThat(((ClientUnregisteredEvent) app.events.get(1)).getReason()).isEqualTo(DisconnectReason.CANCELLED);
            assertThat(meters.get("fedlink.clients.unregistered").tags("reason", "cancelled").counter().count())
                    .isEqualTo(1);
        }
    }
}
