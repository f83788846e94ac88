package com.example.plain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A coordinator and two clients in a plain Java program: fedlink-core and gRPC, no Spring. */
class PlainJavaFederationTests {

    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

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
        DefaultClientManager clients = new DefaultClientManager(Duration.ofSeconds(60), 100);
        ClientManagerServicer servicer = new ClientManagerServicer(clients, DefaultClientProxy::new,
                new StreamSettings(Duration.ofSeconds(60), TimeoutPolicy.DROP, MAX_MESSAGE));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(servicer).maxInboundMessageSize(MAX_MESSAGE).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        ClientRunner first = runner(channel, server.getPort());
        ClientRunner second = runner(channel, server.getPort());
        try {
            first.start();
            second.start();
            TrainingResult result = FederatedTraining.builder(clients, ParametersCodec.encode(NdArray.of(new float[] {0f, 0f})))
                    .rounds(1).minClients(2).evaluate(false).build().run();

            RoundRecord round = result.history().rounds().get(0);
            assertTrue(round.completed(), round.describe(1));
            assertEquals(2, round.fitReplies());
            assertArrayEquals(new float[] {1f, 1f}, result.modelArrays().get(0).toFloatArray());
        } finally {
            first.stop();
            second.stop();
            servicer.close();
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void noSpringOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.springframework.core.SpringVersion"));
    }

    private static ClientRunner runner(ManagedChannel channel, int port) {
        return new ClientRunner(new ConnectionTemplate(channel, MAX_MESSAGE, "127.0.0.1:" + port), TRAINER,
                ClientRunnerSettings.defaults());
    }
}
