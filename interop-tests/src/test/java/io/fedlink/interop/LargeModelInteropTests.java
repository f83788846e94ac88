package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientDisconnectedException;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Models far above grpc-java's default 4 MiB limit cross between languages in both directions, with Flower's
 * 512 MiB limits on both sides. The model is a small logistic regression plus a large frozen layer that the
 * clients decode and send back unchanged.
 */
class LargeModelInteropTests {

    private static final int MiB = 1024 * 1024;
    /** 70 MB of float32: more than 64 MiB. */
    private static final int FROZEN_ELEMENTS = 17_500_000;

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void modelsLargerThan64MiBCrossBothWaysBetweenCoordinatorAndPythonClient() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target());
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        ByteString frozen = Npy.float32Pattern(FROZEN_ELEMENTS);
        Parameters model = withFrozenLayer(frozen);
        assertThat(model.getSerializedSize()).isGreaterThan(64 * MiB);

        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(model).build());

        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(fit.getSerializedSize()).as("reply size").isGreaterThan(64 * MiB);
        Npy.Array returned = Npy.read(fit.getParameters().getTensors(2));
        assertThat(returned.toString()).isEqualTo("<f4[" + FROZEN_ELEMENTS + "]");
        assertThat(returned.data()).as("frozen layer survives numpy.load/numpy.save unchanged")
                .isEqualTo(Npy.read(frozen).data());
        assertThat(returned.get(FROZEN_ELEMENTS - 1)).isEqualTo((FROZEN_ELEMENTS - 1) % 251);

        ClientMessage.EvaluateRes evaluate = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(fit.getParameters()).build());
        assertThat(evaluate.getMetricsMap()).containsKey("accuracy");
        assertThat(client.reconnect(0).getReason()).isNotNull();
        python.awaitSuccess(Duration.ofSeconds(60));
        assertThat(python.output()).containsPattern("HANDLED fit_ins -> fit_res tensors=3 bytes=7\\d{7} ");
    }

    @Test
    void withGrpcsDefault4MiBInboundLimitA5MiBReplyWouldBeRefused() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder().maxMessageSize(4 * MiB));
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target());
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        Parameters model = withFrozenLayer(Npy.float32Pattern(5 * MiB / 4));

        assertThatThrownBy(() -> client.fit(ServerMessage.FitIns.newBuilder().setParameters(model).build()))
                .isInstanceOf(ClientDisconnectedException.class).hasMessageContaining("fit_ins");

        // grpc-java resets the stream (RST_STREAM CANCEL) on an oversized inbound message, so the sender sees
        // CANCELLED rather than RESOURCE_EXHAUSTED; only the coordinator's log names the size limit.
        python.awaitLine("^STREAM-FAILED (CANCELLED|RESOURCE_EXHAUSTED) ", Duration.ofSeconds(60));
    }

    @Test
    void instructionLargerThanThePythonClientsOwnLimitFailsItsStreamAndTheCoordinatorSeesItLeave() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(),
                "--max-message-bytes", String.valueOf(4 * MiB));
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        Parameters model = withFrozenLayer(Npy.float32Pattern(5 * MiB / 4));

        assertThatThrownBy(() -> client.fit(ServerMessage.FitIns.newBuilder().setParameters(model).build()))
                .isInstanceOf(ClientDisconnectedException.class).hasMessageContaining("fit_ins");

        python.awaitLine("^STREAM-FAILED RESOURCE_EXHAUSTED ", Duration.ofSeconds(60));
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }

    @Test
    void modelsLargerThan64MiBCrossBothWaysBetweenPythonServerAndJavaClient() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "1",
                "--extra-tensor-elements", String.valueOf(FROZEN_ELEMENTS));
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        JavaTestClient java = fixture.closeAtEnd(JavaTestClient.join("java-client", "127.0.0.1", port, 1f));

        server.awaitSuccess(Duration.ofSeconds(180));

        assertThat(server.output()).contains("tensors=3 shapes=8,1," + FROZEN_ELEMENTS, "ROUND 1 evaluate ok", "DONE OK");
        assertThat(java.finished().get(30, TimeUnit.SECONDS)).isEqualTo("reconnect");
    }

    private static Parameters withFrozenLayer(ByteString frozen) {
        return PythonClientInteropTests.model(new float[8], new float[1]).toBuilder().addTensors(frozen).build();
    }
}
