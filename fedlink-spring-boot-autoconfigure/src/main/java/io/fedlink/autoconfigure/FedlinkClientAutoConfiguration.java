package io.fedlink.autoconfigure;

import io.fedlink.client.AddressSpreading;
import io.fedlink.client.ConnectionOperations;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.security.BearerTokenCredentials;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelConfigurer;
import net.devh.boot.grpc.client.channelfactory.GrpcChannelFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The client: a {@link ConnectionTemplate} over the gRPC starter's channel named {@value #CHANNEL}, when the
 * application configures that channel's address ({@code grpc.client.fedlink.address}).
 */
@AutoConfiguration(after = GrpcClientAutoConfiguration.class)
@ConditionalOnClass({GrpcChannelFactory.class, FlowerServiceGrpc.class})
@ConditionalOnProperty(prefix = "grpc.client." + FedlinkClientAutoConfiguration.CHANNEL, name = "address")
@EnableConfigurationProperties(FedlinkClientProperties.class)
public class FedlinkClientAutoConfiguration {

    /** Name of the gRPC starter channel fedlink connects through: its settings are {@code grpc.client.fedlink.*}. */
    public static final String CHANNEL = "fedlink";

    /** {@code fedlink.client.shuffle-addresses}: the fedlink channel spreads clients over the addresses of its target. */
    @Bean
    public GrpcChannelConfigurer fedlinkAddressSpreading(FedlinkClientProperties properties) {
        return (builder, name) -> {
            if (CHANNEL.equals(name) && properties.isShuffleAddresses()) {
                builder.defaultServiceConfig(AddressSpreading.serviceConfig());
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean(ConnectionOperations.class)
    public ConnectionTemplate connectionTemplate(GrpcChannelFactory channelFactory, FedlinkClientProperties properties,
                                                 Environment environment) {
        String token = properties.getAuth().getToken();
        StaticAddressList.allow(environment.getProperty(FedlinkServerMode.CLIENT_ADDRESS_KEY));
        return new ConnectionTemplate(channelFactory.createChannel(CHANNEL), (int) properties.getMaxMessageSize().toBytes(),
                environment.getProperty(FedlinkServerMode.CLIENT_ADDRESS_KEY),
                token == null || token.isBlank() ? null : new BearerTokenCredentials(token), PropertyKeys.NAMES);
    }
}
