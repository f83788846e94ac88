package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Opt-in token authentication between a coordinator app and client apps. */
class FedlinkAuthenticationTests {

    @SpringBootApplication
    static class App {
    }

    private final String name = "fedlink-auth-" + UUID.randomUUID();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private ClientManager manager;

    @BeforeEach
    void startCoordinator() {
        ConfigurableApplicationContext server = start("grpc.server.in-process-name=" + name, "grpc.server.port=-1",
                "fedlink.server.auth.tokens.hospital-a=s3cret-a", "fedlink.server.auth.tokens.hospital-b=s3cret-b");
        manager = server.getBean(ClientManager.class);
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext start(String... properties) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties(properties).run();
        contexts.add(context);
        return context;
    }

    private Connection connect(String... extra) {
        List<String> properties = new ArrayList<>(List.of("grpc.client.fedlink.address=in-process:" + name));
        properties.addAll(List.of(extra));
        return start(properties.toArray(String[]::new)).getBean(ConnectionTemplate.class).connect();
    }

    @Test
    void aClientWithTheRightTokenIsRegisteredUnderItsIdentity() {
        try (Connection connection = connect("fedlink.client.auth.token=s3cret-b")) {
            ClientProxy client = manager.getClients(1, Duration.ofSeconds(10)).get(0);
            assertThat(client.identity()).contains("hospital-b");
            assertThat(connection.isOpen()).isTrue();
        }
    }

    @Test
    void aClientWithAWrongTokenIsRefusedUnauthenticatedAndNeverRegistered() throws Exception {
        try (Connection connection = connect("fedlink.client.auth.token=guess")) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("UNAUTHENTICATED").hasMessageContaining("fedlink.client.auth.token");
            assertThat(manager.waitFor(1, Duration.ofMillis(300))).isFalse();
        }
    }

    @Test
    void aClientWithoutATokenIsRefusedUnauthenticatedAndNeverRegistered() throws Exception {
        try (Connection connection = connect()) {
            assertThatThrownBy(connection::consume).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("UNAUTHENTICATED");
            assertThat(manager.waitFor(1, Duration.ofMillis(300))).isFalse();
        }
    }
}
