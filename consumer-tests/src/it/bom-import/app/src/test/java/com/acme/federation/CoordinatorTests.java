package com.acme.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/** The README's seed usage in a project that imports fedlink-bom under its own parent. */
class CoordinatorTests {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void aCoordinatorSendsFitInsToAConnectedClientAndGetsItsReply() throws Exception {
        AtomicInteger port = new AtomicInteger();
        try (ConfigurableApplicationContext coordinator = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("grpc.server.address=127.0.0.1", "grpc.server.port=0")
                .listeners((ApplicationListener<GrpcServerStartedEvent>) started -> port.set(started.getPort()))
                .run();
             ConfigurableApplicationContext client = new SpringApplicationBuilder(App.class)
                     .web(WebApplicationType.NONE)
                     .properties("grpc.client.fedlink.address=static://127.0.0.1:" + port.get(),
                             "grpc.client.fedlink.negotiation-type=plaintext")
                     .run();
             Connection connection = client.getBean(ConnectionTemplate.class).connect()) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                ServerMessage ins = connection.consume();
                connection.dispatch(ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                        .setNumExamples(ins.getFitIns().getConfigOrThrow("epochs").getSint64() * 100)).build());
            });

            ClientProxy participant = coordinator.getBean(ClientManager.class).getClients(1, Duration.ofSeconds(30)).get(0);
            ClientMessage.FitRes reply = participant.fit(ServerMessage.FitIns.newBuilder()
                    .putConfig("epochs", Scalar.newBuilder().setSint64(3).build()).build());

            assertThat(reply.getNumExamples()).isEqualTo(300);
            answering.get(30, TimeUnit.SECONDS);
        }
    }
}
