package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import net.devh.boot.grpc.server.serverfactory.GrpcServerLifecycle;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Whole Spring Boot applications, started as a user would, with the starter's auto-configuration. */
class FedlinkApplicationTests {

    @SpringBootApplication
    static class App {
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
    }

    @Test
    void seedUsageEndToEndCoordinatorAppAndClientAppInProcess() throws Exception {
        String name = "fedlink-app-" + UUID.randomUUID();
        try (ConfigurableApplicationContext server = start("grpc.server.in-process-name=" + name, "grpc.server.port=-1",
                "fedlink.server.quorum.timeout=10s");
             ConfigurableApplicationContext client = start("grpc.client.fedlink.address=in-process:" + name,
                     "grpc.server.port=-1")) {
            ConnectionTemplate template = client.getBean(ConnectionTemplate.class);
            ClientManager manager = server.getBean(ClientManager.class);
            try (Connection connection = template.connect()) {
                connection.dispatch(ClientMessage.getDefaultInstance());
                CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                    ServerMessage ins = connection.consume();
                    connection.dispatch(ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                            .setNumExamples(ins.getFitIns().getConfigOrThrow("epochs").getSint64())).build());
                });
                ClientProxy participant = manager.getClients(1).get(0);
                ClientMessage.FitRes reply = participant.fit(ServerMessage.FitIns.newBuilder()
                        .putConfig("epochs", io.fedlink.proto.Scalar.newBuilder().setSint64(3).build()).build());
                assertThat(reply.getNumExamples()).isEqualTo(3);
                answering.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCoordinatorAppServesJoinOnARealPortAndClosesStreamsOnShutdown() throws Exception {
        java.util.concurrent.atomic.AtomicInteger boundPort = new java.util.concurrent.atomic.AtomicInteger();
        ConfigurableApplicationContext server = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("grpc.server.port=0", "grpc.server.address=127.0.0.1")
                .listeners((org.springframework.context.ApplicationListener<GrpcServerStartedEvent>) event ->
                        boundPort.set(event.getPort()))
                .run();
        int port = boundPort.get();
        assertThat(port).isPositive();
        ConfigurableApplicationContext client = start("grpc.client.fedlink.address=static://127.0.0.1:" + port,
                "grpc.client.fedlink.negotiation-type=plaintext");
        try (Connection connection = client.getBean(ConnectionTemplate.class).connect()) {
            assertThat(server.getBean(ClientManager.class).getClients(1, Duration.ofSeconds(10))).hasSize(1);
            long started = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("shutdown does not wait out the 30 s grace period for open streams")
                    .isLessThan(Duration.ofSeconds(20));
            org.assertj.core.api.Assertions.assertThatThrownBy(connection::consume)
                    .hasMessageContaining("coordinator shutting down");
        } finally {
            client.close();
        }
    }

    @Test
    void aClientOnlyAppOpensNoServerPort() throws Exception {
        try (ConfigurableApplicationContext client = start("grpc.client.fedlink.address=static://127.0.0.1:1",
                "grpc.client.fedlink.negotiation-type=plaintext")) {
            assertThat(client.getBeansOfType(GrpcServerLifecycle.class)).isEmpty();
            assertThat(client.getEnvironment().getProperty("grpc.server.port")).isEqualTo("-1");
            assertThat(portOpen(9090)).as("nothing listens on the gRPC starter's default port").isFalse();
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

}
