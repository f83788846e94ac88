package io.fedlink.autoconfigure;

import io.fedlink.client.ConnectionOperations;
import io.fedlink.client.FederatedClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Runs the application's {@link FederatedClient} bean against the configured coordinator. */
@AutoConfiguration(after = {FedlinkClientAutoConfiguration.class, FedlinkNumPyClientAutoConfiguration.class})
@ConditionalOnBean(FederatedClient.class)
@EnableConfigurationProperties(FedlinkClientProperties.class)
public class FedlinkClientRunnerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public FederatedClientLifecycle federatedClientLifecycle(ObjectProvider<ConnectionOperations> connections,
                                                             FederatedClient client, FedlinkClientProperties properties) {
        ConnectionOperations operations = connections.getIfAvailable();
        if (operations == null) {
            throw new ClientTargetNotConfiguredException(client.getClass().getName());
        }
        return new FederatedClientLifecycle(operations, client, properties.runnerSettings(), properties.isAutoStartup());
    }
}
