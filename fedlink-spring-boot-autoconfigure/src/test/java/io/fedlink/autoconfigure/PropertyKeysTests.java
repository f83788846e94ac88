package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.MessageTooLargeException;
import io.fedlink.Setting;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.client.ReconnectAttemptsExhaustedException;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.QuorumTimeoutException;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.client.config.GrpcChannelProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The runtime names settings its own way; in a Spring application every message that points to a setting names
 * the property key instead, and every key named is one the application can set.
 */
class PropertyKeysTests {

    @SpringBootApplication
    static class App {
    }

    @SpringBootApplication
    static class ClientApp {
        @Bean
        FederatedClient client() {
            return new FederatedClient() {
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingIsNamedByKeysTheApplicationCanSet(Setting setting) {
        String[] keys = PropertyKeys.of(setting).split(" or ");
        assertThat(keys).allSatisfy(key -> assertThat(isBindable(key)).as("%s is a property", key).isTrue());
    }

    @Test
    void aQuorumTimeoutNamesTheQuorumTimeoutKey() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FedlinkServerAutoConfiguration.class))
                .withPropertyValues("fedlink.server.quorum.timeout=100ms").run(context ->
                        assertThatThrownBy(() -> context.getBean(ClientManager.class).getClients(1))
                                .isInstanceOf(QuorumTimeoutException.class)
                                .hasMessageContaining("raise fedlink.server.quorum.timeout"));
    }

    @Test
    void aTooLargeMessageNamesTheKeyOfTheLimitOnTheReceivingSide() throws Exception {
        String name = "fedlink-keys-" + UUID.randomUUID();
        try (ConfigurableApplicationContext coordinator = start(App.class, "grpc.server.in-process-name=" + name,
                "grpc.server.port=-1", "fedlink.server.max-message-size=64KB");
             ConfigurableApplicationContext client = start(App.class, "grpc.client.fedlink.address=in-process:" + name,
                     "grpc.server.port=-1", "fedlink.client.max-message-size=64KB");
             Connection connection = client.getBean(ConnectionTemplate.class).connect()) {
            ClientProxy proxy = coordinator.getBean(ClientManager.class).getClients(1, Duration.ofSeconds(10)).get(0);

            assertThatThrownBy(() -> proxy.run(TestMessages.fitIns(100 * 1024)))
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("raise fedlink.client.max-message-size on the client");

            CompletableFuture<?> answered = proxy.runAsync(TestMessages.fitIns(10));
            connection.consume();
            assertThatThrownBy(() -> connection.dispatch(TestMessages.fitRes(1, 100 * 1024)))
                    .isInstanceOf(MessageTooLargeException.class)
                    .hasMessageContaining("raise fedlink.server.max-message-size on the coordinator");
            connection.dispatch(TestMessages.fitRes(1));
            answered.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatGivesUpReconnectingNamesTheMaxAttemptsKey() throws Exception {
        try (ConfigurableApplicationContext client = start(ClientApp.class,
                "grpc.client.fedlink.address=in-process:nobody-" + UUID.randomUUID(),
                "fedlink.client.reconnect.max-attempts=2", "fedlink.client.reconnect.initial-backoff=10ms",
                "fedlink.client.reconnect.max-backoff=10ms")) {
            CompletableFuture<Void> termination = client.getBean(FederatedClientLifecycle.class).termination();

            assertThatThrownBy(() -> termination.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ReconnectAttemptsExhaustedException.class)
                    .hasMessageContaining("fedlink.client.reconnect.max-attempts=2")
                    .hasMessageContaining("raise fedlink.client.reconnect.max-attempts");
        }
    }

    private static ConfigurableApplicationContext start(Class<?> app, String... properties) {
        return new SpringApplicationBuilder(app).web(WebApplicationType.NONE).properties(properties).run();
    }

    /** Whether {@code key} is a writable property of fedlink's or the gRPC starter's channel properties. */
    private static boolean isBindable(String key) {
        String channel = "grpc.client." + FedlinkClientAutoConfiguration.CHANNEL + ".";
        if (key.startsWith("fedlink.server.")) {
            return writable(new FedlinkServerProperties(), key.substring("fedlink.server.".length()));
        }
        if (key.startsWith("fedlink.client.")) {
            return writable(new FedlinkClientProperties(), key.substring("fedlink.client.".length()));
        }
        return key.startsWith(channel) && writable(new GrpcChannelProperties(), key.substring(channel.length()));
    }

    private static boolean writable(Object properties, String path) {
        String beanPath = String.join(".", Arrays.stream(path.split("\\.")).map(PropertyKeysTests::camelCase).toList());
        return new BeanWrapperImpl(properties).isWritableProperty(beanPath);
    }

    private static String camelCase(String kebab) {
        String[] words = kebab.split("-");
        StringBuilder camel = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return camel.toString();
    }
}
