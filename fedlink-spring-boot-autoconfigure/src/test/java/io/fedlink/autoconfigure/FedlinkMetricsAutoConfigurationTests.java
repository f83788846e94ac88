package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.metrics.FedlinkMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FedlinkMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FedlinkServerAutoConfiguration.class,
                    FedlinkMetricsAutoConfiguration.class, FedlinkActuatorAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class UserRegistry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void whenMicrometerIsPresentWithoutActuatorThenTheCoordinatorsMetersAreInTheUsersRegistry() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withUserConfiguration(UserRegistry.class).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(FedlinkMetrics.class)
                            .doesNotHaveBean(HealthIndicator.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("fedlink.clients.connected").gauge().value()).isZero();
                    assertThat(registry.get("fedlink.rounds").tag("status", "completed").timer().count()).isZero();
                });
    }

    @Test
    void whenThereIsNoMeterRegistryThenThereAreNoMeters() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(FedlinkMetrics.class));
    }

    @Test
    void whenMicrometerIsAbsentThenTheCoordinatorStartsWithoutMeters() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("fedlinkMetrics"));
    }
}
