package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.fedlink.test.LinkRelay;
import io.fedlink.test.process.ManagedProcess;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Clients behind real links: each in a network namespace of its own, joined to the coordinator by a veth pair that
 * the test shapes with {@code tc tbf} (bandwidth), lengthens with a {@link LinkRelay} (latency: this kernel has no
 * {@code netem}) and cuts with {@code ip link set ... down}. The coordinator listens on the link's own address, so
 * the client reaches it over that link only. Where the machine refuses network namespaces, the tests say so and skip.
 * Measured figures go to {@code target/reliability-timings.tsv}.
 */
class NetworkConditionsIT {

    private static final String LINK_RATE = "100mbit";
    private static final double LINK_MBIT = 100;
    private static final Duration ONE_WAY_DELAY = Duration.ofMillis(50);
    /** 16,777,215 float32 weights + a bias: a 64 MiB model, sent in fit_ins and evaluate_ins, returned in fit_res. */
    private static final int FEATURES_64_MIB = 16 * 1024 * 1024 - 1;
    private static final long MODEL_BYTES = 64L * 1024 * 1024;

    private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);
    /** What the coordinator promises for a dead link (keepalive time + timeout), plus slack for a loaded machine. */
    private static final Duration DETECTION_BOUND = KEEPALIVE_TIME.plus(KEEPALIVE_TIMEOUT).plus(Duration.ofSeconds(4));
    private static final Duration CUT = Duration.ofSeconds(30);
    /**
     * After the link is back: the client's own keepalive has found its connection dead meanwhile (10 s + 5 s), and a
     * connection attempt lasts at most 5 s, then backs off at most 5 s; plus slack.
     */
    private static final Duration RETURN_BOUND = Duration.ofSeconds(20);
    private static final Duration BOUND = Duration.ofMinutes(3);

    @Test
    void aRoundOfA64MiBModelOverAShapedLongLinkCompletesAtTheLinkRate(TestInfo test) throws Exception {
        try (NetworkNamespace link = NetworkNamespace.create();
             SampleFederation federation = new SampleFederation(name(test)).coordinatorHeap("1200m")) {
            link.shape(LINK_RATE);
            ManagedProcess coordinator = federation.startCoordinator("--grpc.server.address=" + link.hostAddress(),
                    "--fedlink.server.quorum.min-clients=1", "--fedlink.server.training.rounds=1",
                    "--fedlink.server.training.min-fit-results=1", "--fedlink.server.reply-timeout=5m",
                    "--fedlink.server.training.initial-model=" + federation.modelFile(FEATURES_64_MIB));
            try (LinkRelay relay = LinkRelay.delaying(link.hostAddress(),
                    new InetSocketAddress(link.hostAddress(), federation.port()), ONE_WAY_DELAY)) {
                federation.startMainIn(link, "echo-far", EchoClientMain.class, relay.address(), "0");

                String line = coordinator.awaitLine("round 1", BOUND, candidate -> candidate.contains("round 1/1: replies"));
                RoundLine round = RoundLine.parse(List.of(line)).get(0);
                assertThat(round.replies()).isEqualTo(1);
                assertThat(round.failures()).isZero();

                // fit_ins and evaluate_ins down, fit_res up: three models crossed the link, one after another.
                long bytes = relay.downstreamBytes() + relay.upstreamBytes();
                assertThat(relay.downstreamBytes()).isGreaterThan(2 * MODEL_BYTES);
                assertThat(relay.upstreamBytes()).isGreaterThan(MODEL_BYTES);
                double seconds = roundSeconds(line);
                double mbit = bytes * 8 / seconds / 1e6;
                Timings.record(String.format(Locale.ROOT, "64 MiB model round over %s + %d ms each way: %.0f MB moved,"
                                + " %.1f Mbit/s effective of the link's %.0f", LINK_RATE, ONE_WAY_DELAY.toMillis(), bytes / 1e6,
                        mbit, LINK_MBIT), Duration.ofMillis(Math.round(seconds * 1000)), BOUND);
                assertThat(mbit).as("the shaped link carried the round: it cannot have been faster than the link")
                        .isLessThan(LINK_MBIT * 1.05);
            }
        }
    }

    @Test
    void aLinkCutDuringAFitIsDetectedByKeepaliveAndTheClientComesBackByItselfForTheNextRound(TestInfo test)
            throws Exception {
        try (NetworkNamespace link = NetworkNamespace.create();
             SampleFederation federation = new SampleFederation(name(test))) {
            ManagedProcess coordinator = federation.startLingeringCoordinator("--grpc.server.address=" + link.hostAddress(),
                    "--fedlink.server.quorum.min-clients=2", "--fedlink.server.training.rounds=2",
                    "--fedlink.server.training.min-fit-results=1", "--fedlink.server.reply-timeout=60s",
                    "--fedlink.server.keepalive.time=" + KEEPALIVE_TIME.toSeconds() + "s",
                    "--fedlink.server.keepalive.timeout=" + KEEPALIVE_TIMEOUT.toSeconds() + "s",
                    "--fedlink.server.training.initial-model=" + federation.modelFile(1000));
            String target = link.hostAddress() + ":" + federation.port();
            federation.startMain("echo-near", EchoClientMain.class, target, "1000", "10");
            ManagedProcess far = federation.startMainIn(link, "echo-far", EchoClientMain.class, target, "8000", "10");
            Actuator actuator = federation.actuator();

            far.awaitLine("its round-1 fit", BOUND, line -> line.contains("fit round 1: received"));
            String farId = actuator.awaitOnlyClient(2, "the far client is the only one fitting", BOUND,
                    client -> "fit_ins".equals(client.get("instructionInFlight"))
                            && ((String) client.get("peer")).contains(link.innerAddress()));
            link.cut();
            long cut = System.nanoTime();
            long detected = actuator.awaitClients("the cut-off client is dropped", BOUND, ids -> !ids.contains(farId));
            Duration detection = Duration.ofNanos(detected - cut);
            Timings.record("link cut during fit -> dropped by keepalive", detection, DETECTION_BOUND);

            String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
            assertThat(first).contains("replies 1/2, failures 1");
            assertThat(coordinator.output()).contains("round 1/2: client " + farId + " failed to fit: "
                    + "ClientDisconnectedException");
            assertThat(detection).as("found by keepalive, not by the 60 s reply timeout").isLessThan(DETECTION_BOUND);

            Thread.sleep(Math.max(0, CUT.toMillis() - Duration.ofNanos(System.nanoTime() - cut).toMillis()));
            link.restore();
            long restored = System.nanoTime();
            long back = actuator.awaitClients("the client is back", BOUND, ids -> ids.size() == 2);
            Duration returned = Duration.ofNanos(back - restored);
            Timings.record("link back after a 30 s cut -> the client rejoined by itself", returned, RETURN_BOUND);
            assertThat(returned).as("back within its keepalive, connect timeout and backoff").isLessThan(RETURN_BOUND);

            coordinator.awaitLine("round 2", BOUND, line -> line.contains("round 2/2: replies"));
            List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
            assertThat(rounds).extracting(RoundLine::replies).as("round 2 includes the client that came back")
                    .containsExactly(1, 2);
            String history = actuator.get("fedlink");
            assertThat((Integer) JsonPath.read(history, "$.rounds[0].fitReplies"))
                    .as("the update accepted in round 1 is still the round's record").isEqualTo(1);
            assertThat((Integer) JsonPath.read(history, "$.rounds[1].fitReplies")).isEqualTo(2);
            assertThat(far.output()).contains("Reconnecting to coordinator");
        }
    }

    /** The round's duration, the last number of its log line ("..., 12.3 s"). */
    private static double roundSeconds(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+) s\\s*$").matcher(line.strip());
        assertThat(m.find()).as("the round line ends with its duration: " + line).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String name(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }
}
