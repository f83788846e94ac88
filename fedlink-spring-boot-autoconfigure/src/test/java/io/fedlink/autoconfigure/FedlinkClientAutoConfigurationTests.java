package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.ConnectionOperations;
import io.fedlink.client.ConnectionTemplate;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FedlinkClientAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GrpcClientAutoConfiguration.class,
                    FedlinkClientAutoConfiguration.class));

    @Test
    void whenTheFedlinkChannelHasAnAddressThenAConnectionTemplateIsInjectable() {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9999",
                "grpc.client.fedlink.negotiation-type=plaintext").run(context -> {
                    assertThat(context).hasSingleBean(ConnectionTemplate.class);
                    assertThat(context.getBean(ConnectionTemplate.class).target()).isEqualTo("static://127.0.0.1:9999");
                });
    }

    @Test
    void whenNoAddressIsConfiguredThenNoClientBeansExist() {
        runner.run(context -> assertThat(context).doesNotHaveBean(ConnectionOperations.class));
    }

    @Test
    void whenUserDefinesConnectionOperationsThenAutoConfiguredTemplateBacksOff() {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9999")
                .withUserConfiguration(UserOperations.class)
                .run(context -> assertThat(context).hasSingleBean(ConnectionOperations.class)
                        .doesNotHaveBean(ConnectionTemplate.class));
    }

    @Test
    void whenClientMaxMessageSizeIsZeroThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9999",
                "fedlink.client.max-message-size=0").run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("fedlink.client.max-message-size"));
    }

    @ParameterizedTest
    @CsvSource({
            "fedlink.client.reconnect.initial-backoff, 0s",
            "fedlink.client.reconnect.max-backoff, 10ms",
            "fedlink.client.reconnect.multiplier, 0.5",
            "fedlink.client.reconnect.jitter, 1.5",
            "fedlink.client.reconnect.max-attempts, -1"})
    void whenAReconnectSettingCannotWorkThenStartupFailsNamingItsKey(String key, String value) {
        runner.withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:9999", key + "=" + value)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                                failure -> assertThat(failure.getName()).isEqualTo(key))
                        .hasMessageContaining(key).hasMessageContaining("must"));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserOperations {
        @Bean
        ConnectionOperations myOperations() {
            return () -> {
                throw new UnsupportedOperationException("test double: never connects");
            };
        }
    }

}
