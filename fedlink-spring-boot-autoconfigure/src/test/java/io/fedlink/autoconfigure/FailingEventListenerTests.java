package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.event.ClientRegisteredEvent;
import io.fedlink.event.ClientUnregisteredEvent;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * An application's {@code @EventListener} for client events that throws must not break the coordinator: the client is
 * served, unregistered when it leaves (no ghost counted toward quorums), and the other listeners still hear of it.
 */
class FailingEventListenerTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @SpringBootApplication
    static class App {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ClientRegisteredEvent event) {
            throw new IllegalStateException("the application's listener failed on registration");
        }

        @EventListener
        void on(ClientUnregisteredEvent event) {
            throw new IllegalStateException("the application's listener failed on unregistration");
        }

        /** Another listener of the same registry: it hears of every change, whatever the @EventListener does. */
        @Bean
        ClientManagerListener otherListener() {
            return new ClientManagerListener() {
                @Override
                public void registered(ClientProxy client) {
                    heard.add("registered");
                }

                @Override
                public void unregistered(ClientProxy client, DisconnectReason reason) {
                    heard.add("unregistered " + reason);
                }
            };
        }
    }

    @Test
    void whenAnEventListenerThrowsThenTheClientIsServedAndUnregisteredAndOtherListenersHearOfIt() throws Exception {
        String name = "fedlink-failing-listener-" + UUID.randomUUID();
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("grpc.server.in-process-name=" + name, "grpc.server.port=-1").run();
             ConfigurableApplicationContext client = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                     .properties("grpc.client.fedlink.address=in-process:" + name).run()) {
            ClientManager manager = server.getBean(ClientManager.class);
            Connection connection = client.getBean(ConnectionTemplate.class).connect();
            ClientProxy proxy = manager.getClients(1, BOUND).get(0);

            CompletableFuture<?> reply = proxy.runAsync(TestMessages.fitIns(8));
            connection.consume(BOUND).orElseThrow();
            connection.dispatch(TestMessages.fitRes(2));
            reply.get(BOUND.toSeconds(), TimeUnit.SECONDS);

            connection.abort("the client leaves");
            await("the client is unregistered, no ghost left").atMost(BOUND).until(() -> manager.numAvailable() == 0);
            App app = server.getBean(App.class);
            await("the other listener hears both changes").atMost(BOUND).until(() -> app.heard.size() == 2);
            assertThat(app.heard).containsExactly("registered", "unregistered CANCELLED");
        }
    }
}
