package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.Keepalive;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client pings while a stream idles, as in long local training, in both directions. A Python client that pings every
 * 10 s (grpc.keepalive_time_ms=10000, permit without calls): grpc-java tolerates one ping per 5 minutes by default and
 * answers a third early ping with GOAWAY "too_many_pings", so the coordinator must permit pings every 5 s. A Java
 * client that pings every 10 s joining a Flower-style server (gRPC core's default tolerance is also 5 minutes) meets
 * the same fate. Slow on purpose: the streams idle for 25 to 60 s.
 */
@Tag("slow")
class KeepaliveInteropTests {

    private static final Duration IDLE = Duration.ofSeconds(25);
    private static final String[] PINGING_CLIENT = {"--grpc-option", "grpc.keepalive_time_ms=10000",
            "--grpc-option", "grpc.keepalive_permit_without_calls=1"};
    private static final Parameters MODEL = PythonClientInteropTests.model(new float[8], new float[1]);
    /** Pings an idle client after 10 s and lets clients ping every 5 s, even with no call open. */
    private static final Keepalive PERMITTING_KEEPALIVE = new Keepalive(Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(5), true);
    /** grpc-java's own policy for client pings (one per 5 minutes, none without a call); Flower's 210 s server pings. */
    private static final Keepalive GRPC_DEFAULT_KEEPALIVE_POLICY = new Keepalive(Duration.ofSeconds(210),
            Duration.ofSeconds(20), Duration.ofMinutes(5), false);

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void pythonClientPingingEvery10SecondsWhileIdleIsNotDroppedWhenTheCoordinatorPermitsKeepalive() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder()
                .keepalive(PERMITTING_KEEPALIVE));
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), PINGING_CLIENT);
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(MODEL).build());

        Thread.sleep(IDLE.toMillis());

        assertThat(client.isConnected()).as("still connected after idling " + IDLE).isTrue();
        ClientMessage.EvaluateRes evaluate = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(fit.getParameters()).build());
        assertThat(evaluate.getStatus().getCode()).isEqualTo(Code.OK);
        client.reconnect(0);
        python.awaitSuccess(Duration.ofSeconds(60));
        assertThat(python.output()).doesNotContain("STREAM-FAILED");
        assertThat(python.errorOutput()).doesNotContain("too_many_pings");
    }

    /**
     * The other direction: a Flower server (gRPC core, which tolerates pings every 5 minutes on an idle connection)
     * tells a Java client that pings every 10 s "too_many_pings" and closes the connection, so a Java client joining
     * a Flower server needs {@code grpc.client.fedlink.keep-alive-time} of 5 minutes or more (or no keepalive: the
     * Flower server pings every 210 s itself). Here the server waits for a second client that never comes, so the
     * Java client's stream stays idle.
     */
    @Test
    void javaClientPingingEvery10SecondsWhileIdleIsToldTooManyPingsByAFlowerStyleServer() throws Exception {
        ManagedProcess server = fixture.pythonServer("python-server", "--expected-clients", "2", "--join-timeout", "120");
        int port = Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
        CoordinatorChannel channel = fixture.closeAtEnd(CoordinatorChannel.forTarget("127.0.0.1:" + port).usePlaintext()
                .keepalive(Duration.ofSeconds(10), Duration.ofSeconds(20)).build());
        Connection connection = fixture.closeAtEnd(channel.connectionTemplate().connect());
        assertThat(connection.awaitReady(Duration.ofSeconds(30))).isTrue();
        server.awaitLine("^JOINED ", Duration.ofSeconds(30));

        ConnectionClosedException closed = catchThrowableOfType(() -> connection.consume(Duration.ofSeconds(120)),
                ConnectionClosedException.class);

        assertThat(closed).as("the idle stream was closed within 120 s").isNotNull();
        assertThat(closed.getMessage()).contains("UNAVAILABLE").containsIgnoringCase("too many pings")
                .contains("raise keepAliveTime");
    }

    /** The control: shows that the first test would fail without the permit-keepalive settings. */
    @Test
    void withGrpcsDefaultKeepalivePolicyTheSameClientIsToldTooManyPingsAndDropped() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder().keepalive(GRPC_DEFAULT_KEEPALIVE_POLICY));
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), PINGING_CLIENT);
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        client.fit(ServerMessage.FitIns.newBuilder().setParameters(MODEL).build());

        await("the client is dropped").atMost(Duration.ofSeconds(90)).until(() -> !client.isConnected());

        python.awaitLine("^STREAM-FAILED UNAVAILABLE", Duration.ofSeconds(30));
        python.awaitExit(Duration.ofSeconds(30));
        assertThat(python.errorOutput()).contains("too_many_pings");
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }
}
