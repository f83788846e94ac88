package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The coordinator's keepalive settings promise a detection bound (time + timeout) for a client that went silent.
 * grpc-java raises a server keepalive time below 10 s to 10 s without a word (found by the e2e fault tests: a frozen
 * client set for 2 s + 2 s was dropped after 12 s), so fedlink refuses such a value at start-up instead.
 */
class FedlinkKeepaliveSettingsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FedlinkServerAutoConfiguration.class));

    @Test
    void whenKeepaliveTimeIsBelowGrpcsTenSecondFloorThenStartupFailsNamingThePropertyAndTheFloor() {
        runner.withPropertyValues("fedlink.server.keepalive.time=2s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context).getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("fedlink.server.keepalive.time").hasMessageContaining("at least 10s");
        });
    }

    @Test
    void whenKeepaliveTimeIsTenSecondsWithAShortTimeoutThenTheCoordinatorStarts() {
        runner.withPropertyValues("fedlink.server.keepalive.time=10s", "fedlink.server.keepalive.timeout=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    FedlinkServerProperties.Keepalive keepalive = context.getBean(FedlinkServerProperties.class).getKeepalive();
                    assertThat(keepalive.getTime()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(keepalive.getTimeout()).isEqualTo(Duration.ofSeconds(1));
                });
    }
}
