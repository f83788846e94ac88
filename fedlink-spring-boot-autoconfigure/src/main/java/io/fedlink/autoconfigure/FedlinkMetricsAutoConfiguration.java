package io.fedlink.autoconfigure;

import io.fedlink.metrics.FedlinkMetrics;
import io.fedlink.server.ClientManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Coordinator meters in the application's {@link MeterRegistry}: with Actuator (which makes the registry), or with
 * Micrometer alone and a registry bean the application declares. Actuator's registry auto-configurations are named,
 * not referenced, so this works without Actuator on the class path.
 */
@AutoConfiguration(after = FedlinkServerAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, ClientManager.class})
public class FedlinkMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FedlinkMetrics fedlinkMetrics(MeterRegistry registry, ClientManager clientManager) {
        return new FedlinkMetrics(registry, clientManager);
    }
}
