package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientProxyFactory;
import io.fedlink.server.ClientStream;
import io.fedlink.server.CoordinatorSettings;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.FlowControl;
import io.fedlink.server.Keepalive;
import io.fedlink.server.TimeoutPolicy;
import java.time.Duration;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FedlinkServerAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FedlinkServerAutoConfiguration.class));

    @Test
    void whenNothingIsConfiguredThenACoordinatorWithFlowerDefaultsIsRegistered() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ClientManager.class).hasSingleBean(ClientManagerServicer.class)
                    .hasSingleBean(ClientProxyFactory.class).hasSingleBean(GrpcServerConfigurer.class);
            FedlinkServerProperties properties = context.getBean(FedlinkServerProperties.class);
            assertThat(properties.getMaxMessageSize().toMegabytes()).isEqualTo(512);
            assertThat(properties.getQuorum().getMinClients()).isEqualTo(2);
            assertThat(properties.getTimeoutPolicy()).isEqualTo(TimeoutPolicy.DROP);
            assertThat(((DefaultClientManager) context.getBean(ClientManager.class)).maxClients()).isEqualTo(100_000);
        });
    }

    @Test
    void whenPropertiesAreSetThenTheyReachTheBeans() {
        runner.withPropertyValues("fedlink.server.max-clients=7", "fedlink.server.quorum.timeout=1s",
                "fedlink.server.reply-timeout=2s", "fedlink.server.timeout-policy=keep",
                "fedlink.server.max-message-size=64MB").run(context -> {
                    assertThat(((DefaultClientManager) context.getBean(ClientManager.class)).maxClients()).isEqualTo(7);
                    FedlinkServerProperties properties = context.getBean(FedlinkServerProperties.class);
                    assertThat(properties.getReplyTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(properties.getTimeoutPolicy()).isEqualTo(TimeoutPolicy.KEEP);
                    assertThat(properties.getMaxMessageSize().toMegabytes()).isEqualTo(64);
                });
    }

    @Test
    void whenNothingIsConfiguredThenTheCoordinatorGetsTheSettingsOfACoordinatorWithoutSpring() {
        runner.run(context -> assertThat(context.getBean(FedlinkServerProperties.class).coordinatorSettings())
                .isEqualTo(CoordinatorSettings.defaults()));
    }

    @Test
    void whenKeysAreSetThenTheCoordinatorSettingsCarryThem() {
        runner.withPropertyValues("fedlink.server.max-clients=7", "fedlink.server.quorum.timeout=1s",
                "fedlink.server.reply-timeout=2s", "fedlink.server.timeout-policy=keep",
                "fedlink.server.max-message-size=64MB", "fedlink.server.keepalive.time=30s",
                "fedlink.server.keepalive.timeout=5s", "fedlink.server.keepalive.permit-time=0s",
                "fedlink.server.keepalive.permit-without-calls=false").run(context -> {
                    assertThat(context.getBean(FedlinkServerProperties.class).coordinatorSettings())
                            .isEqualTo(new CoordinatorSettings(
                                    Duration.ofSeconds(1), 7, Duration.ofSeconds(2), TimeoutPolicy.KEEP, 64 * 1024 * 1024,
                                    new Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO, false),
                                    FlowControl.defaults()));
                });
    }

    @Test
    void flowControlDefaultsToHalfTheDirectMemoryForSendingAndOneLargeReplyAtATime() {
        runner.run(context -> assertThat(context.getBean(ClientManagerServicer.class).settings().flowControl())
                .isEqualTo(new FlowControl(FlowControl.defaultSendBudget(), 1)));
    }

    @Test
    void whenFlowControlIsSetThenTheServicerFollowsIt() {
        runner.withPropertyValues("fedlink.server.flow-control.send-budget=3MB",
                "fedlink.server.flow-control.large-replies-at-once=4").run(context ->
                assertThat(context.getBean(ClientManagerServicer.class).settings().flowControl())
                        .isEqualTo(new FlowControl(3L * 1024 * 1024, 4)));
    }

    @Test
    void whenLargeRepliesAtOnceIsZeroThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.flow-control.large-replies-at-once=0",
                "fedlink.server.flow-control.large-replies-at-once");
    }

    @Test
    void whenTheSendBudgetIsZeroThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.flow-control.send-budget=0B", "fedlink.server.flow-control.send-budget");
    }

    @Test
    void whenUserDefinesClientManagerThenAutoConfiguredOneBacksOff() {
        runner.withUserConfiguration(UserManager.class).run(context -> {
            assertThat(context).hasSingleBean(ClientManager.class);
            assertThat(context.getBean(ClientManager.class)).isSameAs(context.getBean("myManager"));
        });
    }

    @Test
    void whenUserDefinesClientProxyFactoryThenItIsUsed() {
        runner.withUserConfiguration(UserFactory.class).run(context -> {
            assertThat(context).hasSingleBean(ClientProxyFactory.class);
            assertThat(context.getBean(ClientProxyFactory.class)).isSameAs(context.getBean("participants"));
        });
    }

    @Test
    void whenServerIsDisabledThenNoCoordinatorBeansExist() {
        runner.withPropertyValues("fedlink.server.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ClientManager.class)
                        .doesNotHaveBean(ClientManagerServicer.class));
    }

    @Test
    void whenTheAppOnlyConfiguresAClientChannelThenNoCoordinatorBeansExist() {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9090")
                .run(context -> assertThat(context).doesNotHaveBean(ClientManagerServicer.class));
    }

    @Test
    void whenAClientAppAsksForTheServerToo() {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9090", "fedlink.server.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(ClientManagerServicer.class));
    }

    @Test
    void whenMinClientsIsZeroThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.quorum.min-clients=0", "fedlink.server.quorum.min-clients");
    }

    @Test
    void whenReplyTimeoutIsNotPositiveThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.reply-timeout=0s", "fedlink.server.reply-timeout");
    }

    @Test
    void whenQuorumTimeoutIsNegativeThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.quorum.timeout=-1s", "fedlink.server.quorum.timeout");
    }

    @Test
    void whenMaxMessageSizeIsAboveTwoGigabytesThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.max-message-size=4GB", "fedlink.server.max-message-size");
    }

    @Test
    void whenMaxClientsIsZeroThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.max-clients=0", "fedlink.server.max-clients");
    }

    @Test
    void whenKeepaliveTimeIsZeroThenStartupFailsNamingTheProperty() {
        assertStartupFailsNaming("fedlink.server.keepalive.time=0s", "fedlink.server.keepalive.time");
    }

    @Test
    void whenTimeoutPolicyIsUnknownThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("fedlink.server.timeout-policy=forget").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("Failed to bind properties under 'fedlink.server.timeout-policy'")
                .rootCause().hasMessageContaining("forget"));
    }

    private void assertStartupFailsNaming(String setting, String key) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class).hasMessageContaining(key);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserManager {
        @Bean
        ClientManager myManager() {
            return new DefaultClientManager(Duration.ofSeconds(1), 1);
        }
    }

    static class Participant extends ClientProxy {
        Participant(ClientStream stream) {
            super(stream);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserFactory {
        @Bean
        ClientProxyFactory participants() {
            return Participant::new;
        }
    }
}
