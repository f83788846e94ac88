package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.Checkpoint;
import io.fedlink.coordinator.FileCheckpointStore;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.test.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The coordinator killed with SIGKILL, or stopped with SIGTERM (a graceful shutdown), in the middle of a round (clients
 * training) and started again on the same port and checkpoint directory: the clients come back by themselves, training
 * resumes after the last checkpoint, the round cut short is played again (never checkpointed as failed), and every
 * round the first coordinator finished is in the final history exactly as it was recorded.
 */
class CoordinatorCrashIT {

    private static final Duration BOUND = Duration.ofMinutes(3);
    /** The sample client's fedlink.client.reconnect.max-backoff (5s), plus slack for a loaded machine. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(15);

    @Test
    void aCoordinatorKilledMidRoundLosesNoFinishedRoundAndTheClientsComeBackByThemselves(TestInfo test)
            throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            Path directory = federation.logDir().resolve("checkpoints");
            String[] settings = settings(directory);
            ManagedProcess first = federation.startCoordinator(settings);
            List<ManagedProcess> clients = startClientsAndAwaitRound3(federation);
            first.kill(); // mid-round: round 3's fit instructions are out, its replies are not in
            List<RoundLine> logged = RoundLine.parse(first.lines());
            FileCheckpointStore store = new FileCheckpointStore(directory);
            Checkpoint before = store.loadLatest().orElseThrow();
            assertThat(store.rounds().get(0)).as("the newest checkpoint file is a complete one").isEqualTo(before.round());
            assertThat(logged).extracting(RoundLine::round).as("every round the coordinator reported is checkpointed")
                    .containsExactlyElementsOf(before.history().rounds().stream().map(RoundRecord::round).toList());
            assertThat(before.round()).isEqualTo(2);

            restartAndFinishRounds3To5(federation, settings, "SIGKILL");
            Checkpoint after = store.loadLatest().orElseThrow();
            assertThat(after.round()).isEqualTo(5);
            assertThat(after.history().rounds().subList(0, before.round()))
                    .as("the rounds finished before the crash, exactly as recorded then")
                    .isEqualTo(before.history().rounds());
            for (ManagedProcess client : clients) {
                assertThat(client.awaitExit(Duration.ofSeconds(60))).as(client.name() + " exit code").isZero();
                assertThat(client.output()).contains("Reconnecting to coordinator");
            }
        }
    }

    @Test
    void aCoordinatorStoppedWithSigtermMidRoundDoesNotCheckpointThatRoundAndPlaysItAgainAfterARestart(TestInfo test)
            throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            Path directory = federation.logDir().resolve("checkpoints");
            String[] settings = settings(directory);
            ManagedProcess first = federation.startCoordinator(settings);
            List<ManagedProcess> clients = startClientsAndAwaitRound3(federation);
            long terminated = System.nanoTime();
            first.signal("TERM"); // mid-round: round 3's fit instructions are out, its replies are not in
            int exit = first.awaitExit(BOUND);
            Duration shutdown = Duration.ofNanos(System.nanoTime() - terminated);
            Timings.record("coordinator SIGTERM mid-round -> process exited (round abandoned, streams closed)",
                    shutdown, Duration.ofSeconds(30));
            assertThat(exit).as("a JVM ended by SIGTERM exits with 128 + 15").isEqualTo(143);
            assertThat(first.output()).contains("Round 3/5 was cut short");
            FileCheckpointStore store = new FileCheckpointStore(directory);
            assertThat(store.rounds()).as("checkpointed rounds: the cut round 3 is not among them").containsExactly(2, 1);
            Checkpoint before = store.loadLatest().orElseThrow();
            assertThat(before.history().rounds()).allSatisfy(round -> assertThat(round.completed()).isTrue());

            restartAndFinishRounds3To5(federation, settings, "SIGTERM");
            Checkpoint after = store.loadLatest().orElseThrow();
            assertThat(after.history().rounds()).extracting(RoundRecord::round).containsExactly(1, 2, 3, 4, 5);
            assertThat(after.history().rounds()).allSatisfy(round -> assertThat(round.completed()).isTrue());
            assertThat(after.history().rounds().subList(0, 2)).isEqualTo(before.history().rounds());
            for (ManagedProcess client : clients) {
                assertThat(client.awaitExit(Duration.ofSeconds(60))).as(client.name() + " exit code").isZero();
            }
        }
    }

    private static String[] settings(Path checkpoints) {
        return new String[] {"--fedlink.server.quorum.min-clients=3", "--fedlink.server.training.rounds=5",
                "--fedlink.server.training.checkpoint-directory=" + checkpoints,
                "--fedlink.server.training.checkpoints-kept=10"};
    }

    /** Three sample clients whose fits take 2 s; returns once round 3's fit instructions are out. */
    private static List<ManagedProcess> startClientsAndAwaitRound3(SampleFederation federation) {
        List<ManagedProcess> clients = List.of(federation.startClient(0, 3, "--sample.fit-delay=2s"),
                federation.startClient(1, 3, "--sample.fit-delay=2s"),
                federation.startClient(2, 3, "--sample.fit-delay=2s"));
        clients.get(0).awaitLine("its round-3 fit", BOUND, line -> line.contains("fit round 3: training"));
        return clients;
    }

    /**
     * Starts the coordinator again: the clients come back by themselves within their backoff (the time is recorded),
     * and it resumes at round 3, plays rounds 3 to 5 with all three and exits 0.
     */
    private static void restartAndFinishRounds3To5(SampleFederation federation, String[] settings, String stoppedBy)
            throws Exception {
        ManagedProcess second = federation.startCoordinator(settings);
        long restarted = System.nanoTime();
        long back = federation.actuator().awaitClients("the clients are back", BOUND, ids -> ids.size() == 3);
        Duration reconnected = Duration.ofNanos(back - restarted);
        Timings.record("coordinator " + stoppedBy + " + restart -> all 3 clients back (from the restarted port)",
                reconnected, RECONNECT_BOUND);
        assertThat(reconnected).as("clients come back within their reconnect backoff").isLessThan(RECONNECT_BOUND);
        assertThat(second.awaitExit(BOUND)).isZero();

        assertThat(second.output()).contains("Resuming training at round 3/5 from the checkpoint of round 2");
        assertThat(RoundLine.parse(second.lines())).extracting(RoundLine::round).containsExactly(3, 4, 5);
        assertThat(RoundLine.parse(second.lines())).allSatisfy(round -> assertThat(round.replies()).isEqualTo(3));
    }
}
