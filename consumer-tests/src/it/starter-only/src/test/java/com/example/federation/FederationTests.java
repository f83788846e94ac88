package com.example.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.autoconfigure.FederatedTrainingConfigurer;
import io.fedlink.client.FederatedClient;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** A coordinator application and two client applications, each built from the starter alone, train one round. */
class FederationTests {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Coordinator {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Client {

        /** Adds 1 to every weight and reports 10 examples; evaluates with loss 0.5. */
        @Bean
        FederatedClient trainer() {
            return new FederatedClient() {
                @Override
                public FitRes fit(FitIns ins) {
                    NdArray weights = ParametersCodec.decode(ins.getParameters()).get(0);
                    float[] updated = weights.toFloatArray();
                    for (int i = 0; i < updated.length; i++) {
                        updated[i] += 1;
                    }
                    return FitRes.newBuilder().setParameters(ParametersCodec.encode(List.of(NdArray.of(updated))))
                            .setNumExamples(10).build();
                }

                @Override
                public EvaluateRes evaluate(EvaluateIns ins) {
                    return EvaluateRes.newBuilder().setLoss(0.5f).setNumExamples(10).build();
                }
            };
        }
    }

    @Test
    void aCoordinatorWithQuorumTwoCompletesARoundWithTwoJavaClients() throws Exception {
        AtomicInteger port = new AtomicInteger();
        try (ConfigurableApplicationContext coordinator = new SpringApplicationBuilder(Coordinator.class)
                .web(WebApplicationType.NONE)
                .properties("grpc.server.address=127.0.0.1", "grpc.server.port=0",
                        "fedlink.server.quorum.min-clients=2", "fedlink.server.quorum.timeout=60s",
                        "fedlink.server.training.rounds=1")
                .listeners((ApplicationListener<GrpcServerStartedEvent>) started -> port.set(started.getPort()))
                .run();
             ConfigurableApplicationContext first = client(port.get());
             ConfigurableApplicationContext second = client(port.get())) {
            TrainingResult result = coordinator.getBean(FederatedTrainingConfigurer.class)
                    .builder(ParametersCodec.encode(List.of(NdArray.of(new float[] {0f, 0f, 0f}))))
                    .build().run();

            RoundRecord round = result.history().rounds().get(0);
            assertThat(round.completed()).as(round.describe(1)).isTrue();
            assertThat(round.fitReplies()).isEqualTo(2);
            assertThat(round.evaluateReplies()).isEqualTo(2);
            assertThat(result.modelArrays().get(0).toFloatArray()).containsExactly(1f, 1f, 1f);
        }
    }

    private static ConfigurableApplicationContext client(int port) {
        return new SpringApplicationBuilder(Client.class).web(WebApplicationType.NONE)
                .properties("grpc.client.fedlink.address=static://127.0.0.1:" + port,
                        "grpc.client.fedlink.negotiation-type=plaintext")
                .run();
    }
}
