package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Flower-style Python client (sends nothing first) driven through a whole lifecycle by the fedlink coordinator. */
class PythonClientInteropTests {

    static final Duration JOIN = Duration.ofSeconds(60);
    static final Duration EXIT = Duration.ofSeconds(60);
    static final double LN2 = Math.log(2);

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void pythonClientJoinsWithoutHandshakeAndAnswersEveryInstructionWithTheMatchingCase() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), "--partition", "3", "--model-dim", "8");
        ClientProxy client = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        ClientMessage.GetParametersRes parameters = client.getParameters(ServerMessage.GetParametersIns.getDefaultInstance());
        assertThat(parameters.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(parameters.getParameters().getTensorType()).isEqualTo("numpy.ndarray");
        assertThat(parameters.getParameters().getTensorsList()).extracting(Npy::read).extracting(Npy.Array::toString)
                .containsExactly("<f4[8]", "<f4[1]");

        ClientMessage.GetPropertiesRes properties = client.getProperties(ServerMessage.GetPropertiesIns.getDefaultInstance());
        assertThat(properties.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(properties.getPropertiesMap().get("language").getString()).isEqualTo("python");
        assertThat(properties.getPropertiesMap().get("partition").getSint64()).isEqualTo(3);
        assertThat(properties.getPropertiesMap().get("model_dim").getSint64()).isEqualTo(8);

        Parameters zeroModel = model(new float[8], new float[1]);
        ClientMessage.EvaluateRes before = client.evaluate(ServerMessage.EvaluateIns.newBuilder().setParameters(zeroModel).build());
        assertThat((double) before.getLoss()).as("loss of the all-zero logistic model is ln 2").isCloseTo(LN2, within(1e-3));

        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(zeroModel)
                .putConfig("local_steps", Scalar.newBuilder().setSint64(20).build())
                .putConfig("learning_rate", Scalar.newBuilder().setDouble(0.5).build()).build());
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(fit.getNumExamples()).isEqualTo(200);
        List<Npy.Array> trained = fit.getParameters().getTensorsList().stream().map(Npy::read).toList();
        assertThat(trained).extracting(Npy.Array::toString).containsExactly("<f4[8]", "<f4[1]");
        assertThat(trained.get(0).toFloats()).as("weights moved").isNotEqualTo(new float[8]);
        assertThat(fit.getMetricsMap().get("train_loss").getDouble()).isBetween(0.0, LN2);

        ClientMessage.EvaluateRes after = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(fit.getParameters()).build());
        assertThat(after.getNumExamples()).isEqualTo(200);
        assertThat((double) after.getLoss()).as("the trained model evaluates better than the zero model").isLessThan(LN2 - 0.05);
        assertThat(after.getMetricsMap().get("accuracy").getDouble()).isBetween(0.6, 1.0);

        ClientMessage.DisconnectRes disconnect = client.reconnect(0);
        assertThat(disconnect.getReason()).isEqualTo(Reason.RECONNECT);
        assertThat(coordinator.clientManager().numAvailable()).as("unregistered when reconnect() returns").isZero();
        assertThat(client.isConnected()).isFalse();
        assertThat(client.stream().disconnectReason()).contains(DisconnectReason.RECONNECT);

        python.awaitSuccess(EXIT);
        assertThat(python.output().lines().filter(line -> line.startsWith("HANDLED")).map(line -> line.split(" ")[1]))
                .containsExactly("get_parameters_ins", "get_properties_ins", "evaluate_ins", "fit_ins", "evaluate_ins",
                        "reconnect_ins");
    }

    @Test
    void pythonClientThatSendsTheSeedHandshakeFirstIsServedAsWell() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), "--misbehave", "handshake");
        ClientProxy client = fixture.awaitClients(coordinator, 1, JOIN).get(0);
        python.awaitLine("^JOINING", JOIN);

        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(model(new float[8], new float[1])).build());

        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(client.reconnect(0).getReason()).isEqualTo(Reason.RECONNECT);
        python.awaitSuccess(EXIT);
    }

    @Test
    void pythonClientAskedToReconnectAfterOneSecondJoinsAgainAsANewClientAndShutsDownOnZeroSeconds() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target());
        ClientProxy first = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        assertThat(first.reconnect(1).getReason()).isEqualTo(Reason.RECONNECT);
        ClientProxy second = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        assertThat(second.id()).as("a fresh registration").isNotEqualTo(first.id());
        assertThat(second.reconnect(0).getReason()).isEqualTo(Reason.RECONNECT);
        python.awaitSuccess(EXIT);
        assertThat(python.output().lines().filter(line -> line.startsWith("JOINING"))).hasSize(2);
        assertThat(python.output()).contains("RECONNECTING 1", "SHUTDOWN reconnect_ins seconds=0");
    }

    @Test
    void pythonClientHangingUpOnReconnectWithoutReplyingCountsAsAcknowledged() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), "--misbehave", "hang-up-on-reconnect");
        ClientProxy client = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        ClientMessage.DisconnectRes disconnect = client.reconnect(5);

        assertThat(disconnect.getReason()).isEqualTo(Reason.RECONNECT);
        assertThat(coordinator.clientManager().numAvailable()).isZero();
        assertThat(client.stream().disconnectReason()).contains(DisconnectReason.RECONNECT);
        python.awaitSuccess(EXIT);
        assertThat(python.output()).contains("HUNG-UP reconnect_ins");
    }

    static Parameters model(float[] weights, float[] bias) {
        return Parameters.newBuilder().setTensorType("numpy.ndarray")
                .addTensors(Npy.float32(weights, weights.length)).addTensors(Npy.float32(bias, bias.length)).build();
    }
}
