package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The real {@code flwr} 1.x package (a release that still has the grpc-bidi transport) as a client of the fedlink
 * coordinator, in a python:3.11 container. Skipped where there is no Docker engine (as on the project's build
 * machines, which also cannot reach PyPI): everything it checks (no hand-shake, each instruction answered with
 * the matching case, .npy tensors read and written by numpy, reconnect and unregistration) is also checked
 * against Debian's Python by {@link PythonClientInteropTests} with flower_like_client.py.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
@Tag("docker")
class StockFlowerClientContainerTests {

    private static final String FLWR = "flwr==1.5.*";

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void stockFlowerClientJoinsTheCoordinatorAndAnswersEveryInstructionWithTheMatchingCase() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        Testcontainers.exposeHostPorts(coordinator.port());
        Path script = Path.of(System.getProperty("fedlink.interop.python-sources", "src/test/python"), "stock_flwr_client.py");
        GenericContainer<?> flower = fixture.closeAtEnd(new GenericContainer<>(DockerImageName.parse("python:3.11-slim"))
                .withCopyFileToContainer(MountableFile.forHostPath(script), "/app/stock_flwr_client.py")
                .withCommand("sh", "-c", "pip install --quiet --no-cache-dir '" + FLWR + "' && python /app/stock_flwr_client.py"
                        + " host.testcontainers.internal:" + coordinator.port())
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("flwr-container"))));
        flower.start();

        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofMinutes(5)).get(0);

        ClientMessage.GetParametersRes parameters = client.getParameters(ServerMessage.GetParametersIns.getDefaultInstance());
        assertThat(parameters.getParameters().getTensorsList()).extracting(Npy::read).extracting(Npy.Array::toString)
                .containsExactly("<f4[8]", "<f4[1]");
        assertThat(client.getProperties(ServerMessage.GetPropertiesIns.getDefaultInstance()).getPropertiesMap()
                .get("flwr").getString()).startsWith("1.5");
        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(parameters.getParameters()).build());
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(fit.getNumExamples()).isEqualTo(200);
        ClientMessage.EvaluateRes evaluate = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(fit.getParameters()).build());
        assertThat(evaluate.getMetricsMap().get("accuracy").getDouble()).isBetween(0.5, 1.0);
        assertThat((double) evaluate.getLoss()).isLessThan(Math.log(2));
        assertThat(client.reconnect(0).getReason()).isEqualTo(Reason.RECONNECT);
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }
}
