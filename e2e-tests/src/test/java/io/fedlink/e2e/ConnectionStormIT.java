package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Many clients and moving ones, against the sample coordinator as its own JVM: 500 clients (each its own TCP
 * connection, run from this JVM) connecting at once, and clients joining and leaving while rounds run.
 */
class ConnectionStormIT {

    private static final Duration BOUND = Duration.ofMinutes(3);

    @Test
    void fiveHundredClientsConnectingAtOnceAreAllRegisteredAndEachTakesPartInEveryRound(TestInfo test) throws Exception {
        int count = 500;
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            ManagedProcess coordinator = federation.startCoordinator("--fedlink.server.quorum.min-clients=" + count,
                    "--fedlink.server.training.rounds=2", "--fedlink.server.reply-timeout=60s");
            List<InTestClient> clients = new ArrayList<>();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    clients.add(new InTestClient(federation.port(), Duration.ZERO, round -> { }).start());
                }
                long registered = federation.actuator().awaitClients(count + " clients registered", BOUND,
                        ids -> ids.size() == count);
                Timings.record(count + " clients connecting at once -> all registered",
                        Duration.ofNanos(registered - started), BOUND);

                assertThat(coordinator.awaitExit(BOUND)).isZero();
                List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
                assertThat(rounds).extracting(RoundLine::round).containsExactly(1, 2);
                assertThat(rounds).allSatisfy(round -> {
                    assertThat(round.asked()).isEqualTo(count);
                    assertThat(round.replies()).isEqualTo(count);
                    assertThat(round.failures()).isZero();
                });
                for (InTestClient client : clients) {
                    assertThat(client.runner().awaitTermination(Duration.ofSeconds(30))).isTrue();
                    assertThat(client.fitRounds()).containsExactly(1, 2);
                }
            } finally {
                for (InTestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void clientsJoiningAndLeavingDuringRoundsNeverStallTheLoopAndLateJoinersTakePartInTheNextRound(TestInfo test)
            throws Exception {
        int rounds = 6;
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            ManagedProcess coordinator = federation.startCoordinator("--fedlink.server.quorum.min-clients=3",
                    "--fedlink.server.training.rounds=" + rounds, "--fedlink.server.training.min-fit-results=1",
                    "--fedlink.server.reply-timeout=30s");
            BlockingQueue<Integer> roundsStarted = new LinkedBlockingQueue<>();
            List<InTestClient> clients = new ArrayList<>();
            List<InTestClient> joiners = new ArrayList<>();
            List<BlockingQueue<Integer>> joinerFits = new ArrayList<>();
            try {
                clients.add(new InTestClient(federation.port(), Duration.ofMillis(1500), roundsStarted::add).start());
                clients.add(new InTestClient(federation.port(), Duration.ofMillis(1500), round -> { }).start());
                clients.add(new InTestClient(federation.port(), Duration.ofMillis(1500), round -> { }).start());
                for (int round = 1; round <= rounds; round++) {
                    Integer started = roundsStarted.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
                    assertThat(started).as("round %d started", round).isEqualTo(round);
                    // Round `round` has chosen its clients: one joins now, and the one that joined last round leaves
                    // once it is fitting.
                    BlockingQueue<Integer> fits = new LinkedBlockingQueue<>();
                    joinerFits.add(fits);
                    joiners.add(new InTestClient(federation.port(), Duration.ofSeconds(2), fits::add).start());
                    if (round > 1) {
                        assertThat(joinerFits.get(round - 2).poll(BOUND.toSeconds(), TimeUnit.SECONDS))
                                .as("last round's joiner is asked to fit in round %d", round).isEqualTo(round);
                        joiners.get(round - 2).leave();
                    }
                }

                assertThat(coordinator.awaitExit(BOUND)).as("the coordinator finished all rounds").isZero();
                List<RoundLine> lines = RoundLine.parse(coordinator.lines());
                assertThat(lines).extracting(RoundLine::round).containsExactly(1, 2, 3, 4, 5, 6);
                assertThat(lines.get(0).asked()).isEqualTo(3);
                assertThat(lines.get(0).replies()).isEqualTo(3);
                assertThat(lines.subList(1, rounds)).allSatisfy(round -> {
                    assertThat(round.asked()).as("the three steady clients and last round's joiner").isEqualTo(4);
                    assertThat(round.replies()).isEqualTo(3);
                    assertThat(round.failures()).as("the joiner that left mid-fit").isEqualTo(1);
                });
                for (int round = 1; round < rounds; round++) {
                    assertThat(joiners.get(round - 1).fitRounds()).as("the client that joined during round %d", round)
                            .containsExactly(round + 1);
                }
                assertThat(coordinator.output()).contains("Training finished: 6 rounds (6 completed)");
            } finally {
                for (InTestClient client : clients) {
                    client.close();
                }
                for (InTestClient client : joiners) {
                    client.close();
                }
            }
        }
    }
}
