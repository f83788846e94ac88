package io.fedlink.autoconfigure;

import io.fedlink.client.FederatedClient;
import io.fedlink.client.NumPyClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** A {@link NumPyClient} bean is the application's client: fedlink adapts it to a {@link FederatedClient}. */
@AutoConfiguration
@ConditionalOnBean(NumPyClient.class)
@ConditionalOnMissingBean(FederatedClient.class)
public class FedlinkNumPyClientAutoConfiguration {

    @Bean
    public FederatedClient fedlinkNumPyClient(NumPyClient client) {
        return client.asFederatedClient();
    }
}
