package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A well-behaved client that pings every 10 s (grpc.client.fedlink.keep-alive-time=10s) through a 35 s local
 * training, against a coordinator with fedlink's default keepalive settings (permit-time 10s): the coordinator logs
 * each HTTP/2 frame, so the test sees the client's keepalive pings arrive (at least three, each one permitted time
 * after the last, where a third early one would earn GOAWAY too_many_pings) and the client is not dropped.
 */
class KeepalivePermitIT {

    private static final Duration BOUND = Duration.ofMinutes(3);
    /** grpc-java's keepalive pings carry this payload (its BDP pings carry 1234). */
    private static final String KEEPALIVE_PING = "INBOUND PING: ack=false bytes=1111";

    @Test
    void aClientPingingEveryTenSecondsThroughALongFitIsNotDroppedWithTheDefaultSettings(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            ManagedProcess coordinator = federation.startCoordinator("--fedlink.server.quorum.min-clients=1",
                    "--fedlink.server.training.rounds=1", "--fedlink.server.training.min-fit-results=1",
                    "--logging.level.io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler=DEBUG");
            ManagedProcess client = federation.startClient(0, 1, "--grpc.client.fedlink.keep-alive-time=10s",
                    "--sample.fit-delay=35s");

            assertThat(coordinator.awaitExit(BOUND)).isZero();
            List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
            assertThat(rounds).singleElement().satisfies(round -> {
                assertThat(round.replies()).isEqualTo(1);
                assertThat(round.failures()).isZero();
            });
            List<String> pings = coordinator.linesContaining(KEEPALIVE_PING);
            assertThat(pings).as("keepalive pings from the client during its fit").hasSizeGreaterThanOrEqualTo(3);
            Duration shortest = null;
            for (int i = 1; i < pings.size(); i++) {
                Duration interval = Duration.between(Instant.parse(pings.get(i - 1).substring(0, 24)),
                        Instant.parse(pings.get(i).substring(0, 24)));
                shortest = shortest == null || interval.compareTo(shortest) < 0 ? interval : shortest;
            }
            Timings.record("client keepalive pings (" + pings.size() + ") -> shortest interval seen by the coordinator",
                    shortest, Duration.ofSeconds(10));
            assertThat(coordinator.output()).as("no GOAWAY ENHANCE_YOUR_CALM (too_many_pings)")
                    .doesNotContain("errorCode=11").doesNotContain("too_many_pings");
            assertThat(client.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(client.output()).doesNotContain("too_many_pings").doesNotContain("Disconnected from coordinator")
                    .contains("asked this client to disconnect and shut down");
        }
    }
}
