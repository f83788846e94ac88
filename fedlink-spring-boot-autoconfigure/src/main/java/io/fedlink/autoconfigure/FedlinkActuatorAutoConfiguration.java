package io.fedlink.autoconfigure;

import io.fedlink.actuate.FedlinkEndpoint;
import io.fedlink.actuate.FedlinkHealthIndicator;
import io.fedlink.actuate.RelayHealthIndicator;
import io.fedlink.relay.Relay;
import io.fedlink.server.ClientManager;
import io.fedlink.coordinator.TrainingProgress;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code fedlink} health indicator and endpoint, when Actuator is present and this app is a coordinator; a relay's
 * {@code fedlinkRelay} health indicator.
 */
@AutoConfiguration(after = {FedlinkServerAutoConfiguration.class, FedlinkRelayAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ClientManager.class)
public class FedlinkActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "fedlinkHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("fedlink")
    public FedlinkHealthIndicator fedlinkHealthIndicator(ClientManager clientManager, FedlinkServerProperties properties) {
        return new FedlinkHealthIndicator(clientManager, properties.getQuorum().getMinClients());
    }

    /** A relay's link upstream ({@code management.health.fedlink-relay.enabled}). */
    @Bean
    @ConditionalOnBean(Relay.class)
    @ConditionalOnMissingBean(name = "fedlinkRelayHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("fedlink-relay")
    public RelayHealthIndicator fedlinkRelayHealthIndicator(Relay relay) {
        return new RelayHealthIndicator(relay);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = FedlinkEndpoint.class)
    public FedlinkEndpoint fedlinkEndpoint(ClientManager clientManager, ObjectProvider<TrainingProgress> progress) {
        return new FedlinkEndpoint(clientManager, () -> progress.getIfAvailable(TrainingProgress::new).rounds());
    }
}
