package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A Python client that pings every 10 s (grpc.keepalive_time_ms=10000, permit without calls) while it idles
 * between instructions, as in long local training. grpc-java tolerates one ping per 5 minutes by default and
 * answers a third early ping with GOAWAY "too_many_pings"; the coordinator must permit pings every 5 s.
 * Slow on purpose: the client idles for 25 s.
 */
@Tag("slow")
class KeepaliveInteropTests {

    private static final Duration IDLE = Duration.ofSeconds(25);
    private static final String[] PINGING_CLIENT = {"--grpc-option", "grpc.keepalive_time_ms=10000",
            "--grpc-option", "grpc.keepalive_permit_without_calls=1"};
    private static final Parameters MODEL = PythonClientInteropTests.model(new float[8], new float[1]);

    private InteropFixture fixture;

    @BeforeEach
    void setUp(TestInfo test) {
        fixture = InteropFixture.forTest(test);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void pythonClientPingingEvery10SecondsWhileIdleIsNotDroppedWhenTheCoordinatorPermitsKeepalive() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(TestCoordinator.builder()
                .permitKeepAlive(true).keepAliveTime(Duration.ofSeconds(10)));
        PeerProcess python = fixture.pythonClient("python-client", coordinator.target(), PINGING_CLIENT);
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        ClientMessage.FitRes fit = client.fit(ServerMessage.FitIns.newBuilder().setParameters(MODEL).build());

        PeerProcess.sleep(IDLE);

        assertThat(client.isConnected()).as("still connected after idling " + IDLE).isTrue();
        ClientMessage.EvaluateRes evaluate = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .setParameters(fit.getParameters()).build());
        assertThat(evaluate.getStatus().getCode()).isEqualTo(Code.OK);
        client.reconnect(0);
        python.awaitSuccess(Duration.ofSeconds(60));
        assertThat(python.stdout()).doesNotContain("STREAM-FAILED");
        assertThat(python.stderr()).doesNotContain("too_many_pings");
    }

    /** The control: shows that the test above would fail without the permit-keepalive settings. */
    @Test
    void withGrpcsDefaultKeepalivePolicyTheSameClientIsToldTooManyPingsAndDropped() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(TestCoordinator.builder().permitKeepAlive(false));
        PeerProcess python = fixture.pythonClient("python-client", coordinator.target(), PINGING_CLIENT);
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        client.fit(ServerMessage.FitIns.newBuilder().setParameters(MODEL).build());

        Await.until("the client is dropped", Duration.ofSeconds(90), () -> !client.isConnected());

        python.awaitLine("^STREAM-FAILED UNAVAILABLE", Duration.ofSeconds(30));
        python.awaitExit(Duration.ofSeconds(30));
        assertThat(python.stderr()).contains("too_many_pings");
        assertThat(coordinator.clientManager().numAvailable()).isZero();
    }
}
