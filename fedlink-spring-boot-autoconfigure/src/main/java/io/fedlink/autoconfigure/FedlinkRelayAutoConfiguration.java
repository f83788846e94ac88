package io.fedlink.autoconfigure;

import io.fedlink.client.ConnectionOperations;
import io.fedlink.relay.Relay;
import io.fedlink.server.ClientManager;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@code fedlink.relay.enabled=true}: the application is a relay. Its coordinator side is the usual one
 * ({@link FedlinkServerAutoConfiguration}); its client side joins {@code grpc.client.fedlink.address} with the
 * {@link Relay}, which answers for all its clients. A configuration a relay cannot serve correctly fails start-up
 * ({@link RelayConfigurationCheck}).
 */
@AutoConfiguration(after = {FedlinkServerAutoConfiguration.class, FedlinkClientAutoConfiguration.class,
        FedlinkTrainingAutoConfiguration.class, FedlinkNumPyClientAutoConfiguration.class})
@ConditionalOnProperty(prefix = "fedlink.relay", name = "enabled", havingValue = "true")
@EnableConfigurationProperties({FedlinkRelayProperties.class, FedlinkClientProperties.class})
public class FedlinkRelayAutoConfiguration {

    /** Static, so that it runs before the other beans are created: a wrong relay setting is the first error named. */
    @Bean
    static BeanFactoryPostProcessor fedlinkRelayConfigurationCheck(Environment environment) {
        return beanFactory -> RelayConfigurationCheck.check(environment, beanFactory);
    }

    @Bean
    @ConditionalOnMissingBean
    public Relay fedlinkRelay(ConnectionOperations upstream, ClientManager clientManager, FedlinkRelayProperties relay,
                              FedlinkClientProperties client) {
        return new Relay(upstream, clientManager, relay.settings(), client.runnerSettings());
    }

    @Bean
    RelayLifecycle fedlinkRelayLifecycle(Relay relay) {
        return new RelayLifecycle(relay);
    }
}
