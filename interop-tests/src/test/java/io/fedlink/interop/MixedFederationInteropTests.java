package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Python and Java clients in the same federation on one fedlink coordinator. */
class MixedFederationInteropTests {

    private static final Duration ROUND = Duration.ofSeconds(120);

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void twoPythonAndTwoJavaClientsAnswerFitAndEvaluateInTheSameRounds() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        List<ManagedProcess> pythons = List.of(
                fixture.pythonClient("python-0", coordinator.target(), "--partition", "0"),
                fixture.pythonClient("python-1", coordinator.target(), "--partition", "1"));
        List<JavaTestClient> javas = List.of(
                fixture.closeAtEnd(JavaTestClient.join("java-0", "127.0.0.1", coordinator.port(), 0.25f)),
                fixture.closeAtEnd(JavaTestClient.join("java-1", "127.0.0.1", coordinator.port(), 0.75f)));

        List<ClientProxy> clients = fixture.awaitClients(coordinator, 4, Duration.ofSeconds(60));
        assertThat(clients).hasSize(4).extracting(ClientProxy::id).doesNotHaveDuplicates();
        Map<String, String> languages = new HashMap<>();
        for (ClientProxy client : clients) {
            ClientMessage.GetPropertiesRes properties = client.getProperties(ServerMessage.GetPropertiesIns.getDefaultInstance());
            languages.put(client.id(), properties.getPropertiesMap().get("language").getString());
        }
        assertThat(languages.values()).containsExactlyInAnyOrder("python", "python", "java", "java");

        Parameters model = PythonClientInteropTests.model(new float[JavaTestClient.MODEL_DIM], new float[1]);
        for (int round = 1; round <= 2; round++) {
            ServerMessage fitIns = ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                    .setParameters(model).putConfig("round", Scalar.newBuilder().setSint64(round).build())).build();
            List<ClientMessage.FitRes> fits = gather(clients, fitIns).stream().map(ClientMessage::getFitRes).toList();
            assertThat(fits).as("round %d: every client answered fit", round).hasSize(4)
                    .allSatisfy(fit -> {
                        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
                        assertThat(fit.getNumExamples()).isPositive();
                        assertThat(fit.getParameters().getTensorsList()).extracting(Npy::read).extracting(Npy.Array::toString)
                                .containsExactly("<f4[8]", "<f4[1]");
                    });
            model = federatedAverage(fits);

            ServerMessage evaluateIns = ServerMessage.newBuilder().setEvaluateIns(ServerMessage.EvaluateIns.newBuilder()
                    .setParameters(model)).build();
            assertThat(gather(clients, evaluateIns)).extracting(ClientMessage::getEvaluateRes).hasSize(4)
                    .allSatisfy(evaluate -> {
                        assertThat(evaluate.getNumExamples()).isPositive();
                        assertThat(evaluate.getLoss()).isFinite().isNotNegative();
                        assertThat(evaluate.getMetricsMap().get("accuracy").getDouble()).isBetween(0.0, 1.0);
                    });
        }
        assertThat(Npy.read(model.getTensors(0)).toFloats()).as("the averaged model moved away from zero")
                .isNotEqualTo(new float[JavaTestClient.MODEL_DIM]);

        for (ClientProxy client : clients) {
            client.reconnect(0);
        }
        assertThat(coordinator.clientManager().numAvailable()).isZero();
        for (ManagedProcess python : pythons) {
            python.awaitSuccess(Duration.ofSeconds(60));
            assertThat(python.output().lines().filter(line -> line.startsWith("HANDLED fit_ins"))).hasSize(2);
        }
        for (JavaTestClient java : javas) {
            assertThat(java.finished().get(30, TimeUnit.SECONDS)).isEqualTo("reconnect");
            assertThat(java.handled()).containsExactly("get_properties_ins", "fit_ins", "evaluate_ins", "fit_ins",
                    "evaluate_ins", "reconnect_ins");
        }
    }

    /** Sends one instruction to every client at once and waits (bounded) for all replies. */
    private static List<ClientMessage> gather(List<ClientProxy> clients, ServerMessage instruction) throws Exception {
        List<CompletableFuture<ClientMessage>> replies = clients.stream().map(client -> client.runAsync(instruction)).toList();
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(ROUND.toSeconds(), TimeUnit.SECONDS);
        return replies.stream().map(CompletableFuture::join).toList();
    }

    /** FedAvg over float32 tensors, weighted by num_examples. */
    private static Parameters federatedAverage(List<ClientMessage.FitRes> fits) {
        long total = fits.stream().mapToLong(ClientMessage.FitRes::getNumExamples).sum();
        int tensors = fits.get(0).getParameters().getTensorsCount();
        Parameters.Builder averaged = Parameters.newBuilder().setTensorType("numpy.ndarray");
        for (int t = 0; t < tensors; t++) {
            float[] sum = null;
            for (ClientMessage.FitRes fit : fits) {
                float[] values = Npy.read(fit.getParameters().getTensors(t)).toFloats();
                if (sum == null) {
                    sum = new float[values.length];
                }
                for (int i = 0; i < values.length; i++) {
                    sum[i] += values[i] * fit.getNumExamples() / (float) total;
                }
            }
            averaged.addTensors(Npy.float32(sum, sum.length));
        }
        return averaged.build();
    }
}
