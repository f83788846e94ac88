package com.example.plain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.server.CoordinatorServer;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A coordinator and two clients in a plain Java program: fedlink-core's facade, no Spring. */
class PlainJavaFederationTests {

    /** Adds 1 to every weight and reports 10 examples. */
    private static final FederatedClient TRAINER = new FederatedClient() {
        @Override
        public FitRes fit(FitIns ins) {
            float[] weights = ParametersCodec.decode(ins.getParameters()).get(0).toFloatArray();
            for (int i = 0; i < weights.length; i++) {
                weights[i] += 1;
            }
            return FitRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(weights))).setNumExamples(10).build();
        }
    };

    @Test
    void aCoordinatorAndTwoClientsTrainARoundWithoutSpring() throws Exception {
        try (CoordinatorServer coordinator = CoordinatorServer.forAddress("127.0.0.1", 0).start();
             CoordinatorChannel first = CoordinatorChannel.forTarget("127.0.0.1:" + coordinator.port()).usePlaintext().build();
             CoordinatorChannel second = CoordinatorChannel.forTarget("127.0.0.1:" + coordinator.port()).usePlaintext().build()) {
            ClientRunner one = first.runner(TRAINER);
            ClientRunner two = second.runner(TRAINER);
            one.start();
            two.start();

            TrainingResult result = FederatedTraining.builder(coordinator.clientManager(),
                            ParametersCodec.encode(NdArray.of(new float[] {0f, 0f})))
                    .strategy(new FedAvg(StrategyOptions.builder().minClients(2).fractionEvaluate(0).build()))
                    .rounds(1).build().run();   // ends with reconnect_ins{seconds: 0} to every client, as Flower does

            RoundRecord round = result.history().rounds().get(0);
            assertTrue(round.completed(), round.describe(1));
            assertEquals(2, round.fitReplies());
            assertArrayEquals(new float[] {1f, 1f}, result.modelArrays().get(0).toFloatArray());
            assertTrue(one.awaitTermination(Duration.ofSeconds(10)) && two.awaitTermination(Duration.ofSeconds(10)),
                    "both clients end when the coordinator ends training");
        }
    }

    @Test
    void noSpringOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.springframework.core.SpringVersion"));
    }
}
