package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.fedlink.test.LinkRelay;
import io.fedlink.test.process.ManagedProcess;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Clients that die or freeze, as separate JVMs over TCP: killed with SIGKILL during fit, while idle, and while
 * uploading a 16 MB update; frozen with SIGSTOP (its socket stays open, nothing answers). Each time the coordinator
 * unregisters the client within the bound (keepalive time + timeout, plus slack for a loaded machine), the round
 * completes with the failure recorded, and no accepted update is lost. Detection times go to
 * {@code target/reliability-timings.tsv}.
 */
class ClientFaultsIT {

    /** The shortest keepalive time grpc-java honours (fedlink refuses less at start-up). */
    private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);
    /** What the coordinator promises for a dead peer, and the slack this shared 2-core machine gets on top. */
    private static final Duration DETECTION_BOUND = KEEPALIVE_TIME.plus(KEEPALIVE_TIMEOUT).plus(Duration.ofSeconds(4));
    private static final Duration BOUND = Duration.ofMinutes(2);
    /** The sample client's fedlink.client.reconnect.max-backoff (5s), plus slack for a loaded machine. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(15);

    /** Three clients per round, two fit results are enough, a reply timeout far above the keepalive bound. */
    private static final String[] COORDINATOR = {"--fedlink.server.quorum.min-clients=3",
            "--fedlink.server.training.rounds=2", "--fedlink.server.training.min-fit-results=2",
            "--fedlink.server.reply-timeout=60s", "--fedlink.server.keepalive.time=" + KEEPALIVE_TIME.toSeconds() + "s",
            "--fedlink.server.keepalive.timeout=" + KEEPALIVE_TIMEOUT.toSeconds() + "s"};

    @Test
    void aClientKilledDuringFitIsUnregisteredAtOnceAndItsRoundRecordsTheFailure(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(name(test))) {
            ManagedProcess coordinator = federation.startCoordinator(COORDINATOR);
            federation.startClient(0, 4, "--sample.fit-delay=1s");
            federation.startClient(1, 4, "--sample.fit-delay=1s");
            ManagedProcess victim = federation.startClient(2, 4, "--sample.fit-delay=8s");
            Actuator actuator = federation.actuator();

            String victimId = actuator.awaitOnlyClient(3, "the slow client is the only one still fitting", BOUND,
                    client -> "fit_ins".equals(client.get("instructionInFlight")));
            victim.kill();
            long killed = System.nanoTime();
            long detected = actuator.awaitClients("the killed client is unregistered", BOUND, ids -> !ids.contains(victimId));
            Duration detection = Duration.ofNanos(detected - killed);
            Timings.record("SIGKILL during fit -> unregistered", detection, DETECTION_BOUND);

            String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
            assertThat(first).contains("replies 2/3, failures 1");
            assertThat(coordinator.output()).contains("round 1/2: client " + victimId + " failed to fit: "
                    + "ClientDisconnectedException: Client " + victimId);
            assertThat(detection).isLessThan(DETECTION_BOUND);

            federation.startClient(3, 4, "--sample.fit-delay=1s"); // the next round waits for a third client
            assertThat(coordinator.awaitExit(BOUND)).isZero();
            List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
            assertThat(rounds).extracting(RoundLine::round).containsExactly(1, 2);
            assertThat(rounds.get(1).replies()).isEqualTo(3);
            assertThat(rounds.get(1).failures()).isZero();
        }
    }

    @Test
    void aClientKilledWhileIdleIsUnregisteredAtOnceAndTheUpdateItSentIsKept(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(name(test))) {
            ManagedProcess coordinator = federation.startLingeringCoordinator(COORDINATOR);
            ManagedProcess victim = federation.startClient(0, 4);
            federation.startClient(1, 4, "--sample.fit-delay=6s");
            federation.startClient(2, 4, "--sample.fit-delay=6s");
            Actuator actuator = federation.actuator();

            // The victim answered its fit at once and waits for its next instruction while the others still train.
            String victimId = actuator.awaitOnlyClient(3, "the fast client is the only one with nothing outstanding", BOUND,
                    client -> client.get("instructionInFlight") == null);
            victim.kill();
            long killed = System.nanoTime();
            long detected = actuator.awaitClients("the killed client is unregistered", BOUND, ids -> !ids.contains(victimId));
            Duration detection = Duration.ofNanos(detected - killed);
            Timings.record("SIGKILL while idle -> unregistered", detection, DETECTION_BOUND);

            String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
            assertThat(first).as("the killed client's fit result was accepted before it died").contains("replies 3/3, failures 0");
            assertThat(detection).isLessThan(DETECTION_BOUND);
            String rounds = actuator.get("fedlink");
            assertThat((Integer) JsonPath.read(rounds, "$.rounds[0].fitReplies")).isEqualTo(3);
            assertThat((Integer) JsonPath.read(rounds, "$.rounds[0].evaluateAsked"))
                    .as("only connected clients are asked to evaluate").isEqualTo(2);

            federation.startClient(3, 4);
            coordinator.awaitLine("round 2", BOUND, line -> line.contains("round 2/2: replies"));
            assertThat(RoundLine.parse(coordinator.lines()).get(1).replies()).isEqualTo(3);
        }
    }

    @Test
    void aClientKilledWhileUploadingALargeUpdateIsUnregisteredAndTheOtherUpdatesAreAveraged(TestInfo test)
            throws Exception {
        try (SampleFederation federation = new SampleFederation(name(test));
             LinkRelay slowUplink = LinkRelay.throttlingUpstream("127.0.0.1",
                     new InetSocketAddress("127.0.0.1", federation.port()), 8L * 1024 * 1024)) {
            // 4,000,000 float32 features: a 16 MB tensor each way; the victim's uplink carries 8 MB/s. The echo clients
            // bring no model of their own, so the coordinator starts from a model file.
            ManagedProcess coordinator = federation.startCoordinator(concat(COORDINATOR,
                    "--fedlink.server.training.initial-model=" + federation.modelFile(4_000_000)));
            String direct = "127.0.0.1:" + federation.port();
            federation.startMain("echo-0", EchoClientMain.class, direct, "0");
            federation.startMain("echo-1", EchoClientMain.class, direct, "0");
            ManagedProcess victim = federation.startMain("echo-victim", EchoClientMain.class, slowUplink.address(), "0");
            Actuator actuator = federation.actuator();

            victim.awaitLine("its fit", BOUND, line -> line.contains("fit round 1: sending the update"));
            await("4 MiB of the victim's update through the slow uplink").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                    .until(() -> slowUplink.upstreamBytes() >= 4L * 1024 * 1024);
            String victimPeer = ":" + slowUplink.upstreamLocalPorts().get(0);
            String victimId = onlyId(actuator.clients(), client -> ((String) client.get("peer")).endsWith(victimPeer));
            victim.kill();
            long killed = System.nanoTime();
            long uploaded = slowUplink.upstreamBytes();
            assertThat(uploaded).as("killed while uploading its 16 MB update").isBetween(4L * 1024 * 1024, 15L * 1024 * 1024);
            long detected = actuator.awaitClients("the killed client is unregistered", BOUND, ids -> !ids.contains(victimId));
            Duration detection = Duration.ofNanos(detected - killed);
            Timings.record("SIGKILL during a 16 MB upload (" + uploaded / (1024 * 1024) + " MB sent) -> unregistered",
                    detection, DETECTION_BOUND);

            String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
            assertThat(first).contains("replies 2/3, failures 1");
            assertThat(coordinator.output()).contains("round 1/2: client " + victimId + " failed to fit: "
                    + "ClientDisconnectedException");
            assertThat(detection).isLessThan(DETECTION_BOUND);

            federation.startMain("echo-2", EchoClientMain.class, direct, "0");
            assertThat(coordinator.awaitExit(BOUND)).isZero();
            assertThat(RoundLine.parse(coordinator.lines())).extracting(RoundLine::replies).containsExactly(2, 3);
        }
    }

    @Test
    void aFrozenClientIsDroppedByKeepaliveAndRejoinsByItselfWhenItResumes(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(name(test))) {
            ManagedProcess coordinator = federation.startCoordinator(COORDINATOR);
            federation.startClient(0, 3, "--sample.fit-delay=1s");
            federation.startClient(1, 3, "--sample.fit-delay=1s");
            ManagedProcess victim = federation.startClient(2, 3, "--sample.fit-delay=6s");
            Actuator actuator = federation.actuator();

            String victimId = actuator.awaitOnlyClient(3, "the slow client is the only one still fitting", BOUND,
                    client -> "fit_ins".equals(client.get("instructionInFlight")));
            victim.signal("STOP"); // its socket stays open and its kernel still acknowledges; nothing answers pings
            long stopped = System.nanoTime();
            long detected = actuator.awaitClients("the frozen client is dropped", BOUND, ids -> !ids.contains(victimId));
            Duration detection = Duration.ofNanos(detected - stopped);
            Timings.record("SIGSTOP during fit -> dropped by keepalive", detection, DETECTION_BOUND);

            String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
            assertThat(first).contains("replies 2/3, failures 1");
            assertThat(coordinator.output()).contains("round 1/2: client " + victimId + " failed to fit: "
                    + "ClientDisconnectedException");
            assertThat(detection).as("detected by keepalive, not by the 60 s reply timeout").isLessThan(DETECTION_BOUND);

            victim.signal("CONT");
            long resumed = System.nanoTime();
            long back = actuator.awaitClients("the resumed client rejoins", BOUND, ids -> ids.size() == 3);
            Duration rejoined = Duration.ofNanos(back - resumed);
            Timings.record("SIGCONT -> the client rejoined by itself", rejoined, RECONNECT_BOUND);
            assertThat(rejoined).as("back within its reconnect backoff").isLessThan(RECONNECT_BOUND);
            assertThat(coordinator.awaitExit(BOUND)).isZero();
            assertThat(RoundLine.parse(coordinator.lines()).get(1).replies()).as("round 2 includes the resumed client")
                    .isEqualTo(3);
            assertThat(victim.awaitExit(Duration.ofSeconds(60))).as("the resumed client ends cleanly").isZero();
            assertThat(victim.output()).contains("Reconnecting to coordinator");
        }
    }

    private static String onlyId(List<Map<String, Object>> clients, Predicate<Map<String, Object>> match) {
        List<String> ids = clients.stream().filter(match).map(client -> (String) client.get("id")).toList();
        assertThat(ids).as("clients matching, of " + clients).hasSize(1);
        return Objects.requireNonNull(ids.get(0));
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String name(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }
}
