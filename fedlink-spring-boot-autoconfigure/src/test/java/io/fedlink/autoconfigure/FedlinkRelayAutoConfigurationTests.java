package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.actuate.RelayHealthIndicator;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.client.NumPyClient;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.relay.Relay;
import io.fedlink.relay.RelayMetrics;
import io.fedlink.server.ClientManager;
import io.fedlink.tensor.NdArray;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

/**
 * A relay made of properties only: it trains its clients for an upstream coordinator, and refuses at start-up the
 * configurations a relay cannot serve correctly, naming the key to change.
 */
class FedlinkRelayAutoConfigurationTests {

    /** The relay and the root: no code at all. */
    @SpringBootApplication
    static class EmptyApp {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GrpcClientAutoConfiguration.class, FedlinkServerAutoConfiguration.class,
                    FedlinkTrainingAutoConfiguration.class, FedlinkClientAutoConfiguration.class,
                    FedlinkNumPyClientAutoConfiguration.class, FedlinkRelayAutoConfiguration.class,
                    FedlinkActuatorAutoConfiguration.class))
            .withPropertyValues("fedlink.relay.enabled=true");

    private static final String UPSTREAM = "grpc.client.fedlink.address=in-process:nowhere-" + UUID.randomUUID();

    @Test
    void aRelayOfPropertiesOnlyTrainsItsClientsForTheRootAndPassesTheEndOfTrainingOn() throws Exception {
        String root = "fedlink-root-" + UUID.randomUUID();
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try {
            ConfigurableApplicationContext coordinator = start(EmptyApp.class, "grpc.server.in-process-name=" + root,
                    "grpc.server.port=-1", "fedlink.server.quorum.min-clients=2", "fedlink.server.training.rounds=2",
                    "fedlink.server.training.auto-start=true");
            contexts.add(coordinator);
            for (int r = 0; r < 2; r++) {
                String relay = root + "-relay-" + r;
                contexts.add(start(EmptyApp.class, "fedlink.relay.enabled=true", "fedlink.relay.min-clients=2",
                        "grpc.client.fedlink.address=in-process:" + root, "grpc.server.in-process-name=" + relay,
                        "grpc.server.port=-1"));
                for (int c = 0; c < 2; c++) {
                    contexts.add(start(FedlinkTrainingAutoStartTests.ClientApp.class, "grpc.client.fedlink.address=in-process:" + relay,
                            "grpc.server.port=-1"));
                }
            }

            TrainingResult result = coordinator.getBean(TrainingRun.class).result().get(60, TimeUnit.SECONDS);

            assertThat(result.history().rounds()).hasSize(2).allSatisfy(round -> {
                assertThat(round.completed()).isTrue();
                assertThat(round.fitReplies()).isEqualTo(2);
                assertThat(round.fitMetrics()).containsEntry(RelayMetrics.REPLIES, 4.0)
                        .containsEntry(RelayMetrics.FAILURES, 0.0);
            });
            assertThat(result.modelArrays().get(0).toFloatArray()).containsExactly(0.75f, 0.75f, 0.75f);
            for (ConfigurableApplicationContext client : contexts.subList(1, contexts.size())) {
                if (client.containsBean("federatedClientLifecycle")) {
                    client.getBean(FederatedClientLifecycle.class).termination().get(30, TimeUnit.SECONDS);
                } else {
                    assertThat(client.getBean(Relay.class).termination()).succeedsWithin(30, TimeUnit.SECONDS);
                    assertThat(client.getBean(Relay.class).trainingEnded()).isTrue();
                }
            }
        } finally {
            contexts.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    void aRootConfiguredWithFedMedianRefusesTheRelaysRepliesSayingWhy() throws Exception {
        String root = "fedlink-median-root-" + UUID.randomUUID();
        String relay = root + "-relay";
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try {
            ConfigurableApplicationContext coordinator = start(EmptyApp.class, "grpc.server.in-process-name=" + root,
                    "grpc.server.port=-1", "fedlink.server.quorum.min-clients=1", "fedlink.server.training.rounds=1",
                    "fedlink.server.strategy.name=FedMedian", "fedlink.server.strategy.min-available-clients=1",
                    "fedlink.server.strategy.min-fit-clients=1", "fedlink.server.strategy.min-evaluate-clients=1",
                    "fedlink.server.training.auto-start=true");
            contexts.add(coordinator);
            contexts.add(start(EmptyApp.class, "fedlink.relay.enabled=true", "fedlink.relay.min-clients=2",
                    "grpc.client.fedlink.address=in-process:" + root, "grpc.server.in-process-name=" + relay,
                    "grpc.server.port=-1"));
            for (int c = 0; c < 2; c++) {
                contexts.add(start(FedlinkTrainingAutoStartTests.ClientApp.class,
                        "grpc.client.fedlink.address=in-process:" + relay, "grpc.server.port=-1"));
            }

            TrainingResult result = coordinator.getBean(TrainingRun.class).result().get(60, TimeUnit.SECONDS);

            assertThat(result.history().rounds()).singleElement().satisfies(round -> {
                assertThat(round.completed()).isFalse();
                assertThat(round.failures()).singleElement().satisfies(failure -> assertThat(failure.message())
                        .contains("is a relay", "FedMedian cannot run through relays"));
            });
        } finally {
            contexts.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    void aRelayThatGaveUpOnItsUpstreamIsDownInItsHealth() throws Exception {
        String relay = "fedlink-lonely-relay-" + UUID.randomUUID();
        try (ConfigurableApplicationContext context = start(EmptyApp.class, "fedlink.relay.enabled=true",
                "grpc.client.fedlink.address=in-process:nobody-" + UUID.randomUUID(), "grpc.server.in-process-name=" + relay,
                "grpc.server.port=-1", "fedlink.client.reconnect.max-attempts=2",
                "fedlink.client.reconnect.initial-backoff=50ms")) {
            RelayHealthIndicator health = context.getBean(RelayHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            ClientRunner client = new ClientRunner(new ConnectionTemplate(InProcessChannelBuilder.forName(relay).build(),
                    1 << 20, relay), new FederatedClient() {
            }, ClientRunnerSettings.defaults());
            client.start();
            try {
                assertThat(context.getBean(Relay.class).termination()).failsWithin(30, TimeUnit.SECONDS);
                assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            } finally {
                client.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Why the context failed: the exception that says so, however deep Spring wrapped it. */
    private static Throwable cause(AssertableApplicationContext context) {
        return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
    }

    private static ConfigurableApplicationContext start(Class<?> app, String... properties) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE).properties(properties).run();
    }

    @Test
    void aRelayIsACoordinatorForItsClientsAndOneClientUpstream() {
        runner.withPropertyValues(UPSTREAM, "fedlink.relay.min-clients=3").run(context -> {
            assertThat(context).hasSingleBean(Relay.class).hasSingleBean(ClientManager.class)
                    .hasSingleBean(RelayHealthIndicator.class);
            assertThat(context.getBean(Relay.class).settings().minClients()).isEqualTo(3);
        });
    }

    @Test
    void withoutAnUpstreamAddressStartupFailsNamingIt() {
        runner.run(context -> assertThat(cause(context))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("grpc.client.fedlink.address").hasMessageContaining("upstream coordinator"));
    }

    @Test
    void aStrategyThatCannotComposeThroughRelaysFailsStartupSayingWhy() {
        runner.withPropertyValues(UPSTREAM, "fedlink.server.strategy.name=FedMedian").run(context -> assertThat(cause(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.name").hasMessageContaining("cannot run through relays")
                .hasMessageContaining("a median of the relays' means is not the median"));
        runner.withPropertyValues(UPSTREAM, "fedlink.server.strategy.name=Krum").run(context -> assertThat(cause(context)).hasMessageContaining("Krum cannot run through relays"));
    }

    @Test
    void aComposableStrategyOnTheRelayFailsStartupPointingToTheRoot() {
        runner.withPropertyValues(UPSTREAM, "fedlink.server.strategy.name=FedAdam").run(context -> assertThat(cause(context)).hasMessageContaining("fedlink.server.strategy.name")
                .hasMessageContaining("it must run once, at the root coordinator"));
    }

    @Test
    void fedAvgOnTheRelayIsWhatItDoesAnyway() {
        runner.withPropertyValues(UPSTREAM, "fedlink.server.strategy.name=FedAvg")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Relay.class));
    }

    @Test
    void aRelayThatWouldAlsoTrainByItselfFailsStartup() {
        runner.withPropertyValues(UPSTREAM, "fedlink.server.training.auto-start=true").run(context -> assertThat(cause(context)).hasMessageContaining("fedlink.server.training.auto-start")
                .hasMessageContaining("a relay does not train by itself"));
    }

    @Test
    void aRelayWithItsOwnClientBeanFailsStartup() {
        runner.withPropertyValues(UPSTREAM).withUserConfiguration(ClientBean.class).run(context -> assertThat(cause(context)).hasMessageContaining("fedlink.relay.enabled")
                .hasMessageContaining("a relay's client side is the relay itself"));
    }

    @Test
    void aRelayWithItsCoordinatorSideSwitchedOffFailsStartup() {
        runner.withPropertyValues(UPSTREAM, "fedlink.server.enabled=false").run(context -> assertThat(cause(context)).hasMessageContaining("fedlink.server.enabled")
                .hasMessageContaining("a relay serves its own clients"));
    }

    @Test
    void aZeroMinClientsFailsStartupNamingTheKey() {
        runner.withPropertyValues(UPSTREAM, "fedlink.relay.min-clients=0").run(context -> assertThat(cause(context)).hasMessageContaining("fedlink.relay.min-clients"));
    }

    @Configuration(proxyBeanMethods = false)
    static class ClientBean {
        @Bean
        NumPyClient myClient() {
            return new NumPyClient() {
                @Override
                public FitResult fit(List<NdArray> parameters, Map<String, Object> config) {
                    return new FitResult(parameters, 1);
                }
            };
        }
    }
}
