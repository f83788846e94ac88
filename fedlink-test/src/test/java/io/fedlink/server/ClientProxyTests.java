package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.Connection;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's typed-proxy pattern and the typed helpers, over a real in-process stream. */
class ClientProxyTests {

    /** The seed's server-side handle: a typed call on top of {@link ClientProxy#run}. */
    static class Participant extends ClientProxy {
        Participant(ClientStream stream) {
            super(stream);
        }

        ClientMessage train(Parameters theta) {
            return run(ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder().setParameters(theta)).build());
        }
    }

    private final ExecutorService clientThread = Executors.newSingleThreadExecutor();
    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        clientThread.shutdownNow();
        coordinator.close();
    }

    @Test
    void aUserSubclassCreatedByTheFactoryTrainsThroughRun() throws Exception {
        coordinator = TestCoordinator.inProcess().proxyFactory(Participant::new).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            connection.dispatch(ClientMessage.getDefaultInstance());
            CompletableFuture<Long> answered = CompletableFuture.supplyAsync(() -> {
                ServerMessage ins = connection.consume();
                long size = ins.getFitIns().getParameters().getTensors(0).size();
                connection.dispatch(TestMessages.fitRes(size));
                return size;
            }, clientThread);
            Participant participant = (Participant) coordinator.clientManager().getClients(1).get(0);
            ClientMessage reply = participant.train(TestMessages.parameters(42));
            assertThat(reply.getFitRes().getNumExamples()).isEqualTo(42);
            assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void typedHelpersReturnTheMatchingReplyCase() throws Exception {
        coordinator = TestCoordinator.inProcess().start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            clientThread.submit(() -> {
                for (int i = 0; i < 4; i++) {
                    ServerMessage ins = connection.consume();
                    connection.dispatch(switch (ins.getMsgCase()) {
                        case FIT_INS -> TestMessages.fitRes(1);
                        case EVALUATE_INS -> TestMessages.evaluateRes(2);
                        case GET_PARAMETERS_INS -> ClientMessage.newBuilder().setGetParametersRes(
                                ClientMessage.GetParametersRes.newBuilder().setParameters(TestMessages.parameters(3))).build();
                        case GET_PROPERTIES_INS -> ClientMessage.newBuilder().setGetPropertiesRes(
                                ClientMessage.GetPropertiesRes.newBuilder().putProperties("os",
                                        io.fedlink.proto.Scalar.newBuilder().setString("linux").build())).build();
                        default -> TestMessages.disconnectRes();
                    });
                }
                return null;
            });
            ClientProxy client = coordinator.clientManager().getClients(1, Duration.ofSeconds(10)).get(0);
            assertThat(client.fit(ServerMessage.FitIns.getDefaultInstance()).getNumExamples()).isEqualTo(1);
            assertThat(client.evaluate(ServerMessage.EvaluateIns.getDefaultInstance()).getNumExamples()).isEqualTo(2);
            assertThat(client.getParameters(ServerMessage.GetParametersIns.getDefaultInstance()).getParameters()
                    .getTensors(0).size()).isEqualTo(3);
            assertThat(client.getProperties(ServerMessage.GetPropertiesIns.getDefaultInstance()).getPropertiesMap())
                    .containsKey("os");
            assertThat(client.toString()).contains(client.id());
        }
    }
}
