package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The sample coordinator and clients as separate JVMs over TCP: a real federated training, a fault, a restart. */
class FederatedTrainingIT {

    private static final Duration BOUND = Duration.ofMinutes(3);

    @Test
    void threeClientsTrainForFiveRoundsAndAccuracyRises(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            ManagedProcess coordinator = federation.startCoordinator("--fedlink.server.quorum.min-clients=3",
                    "--fedlink.server.training.rounds=5");
            List<ManagedProcess> clients = List.of(federation.startClient(0, 3), federation.startClient(1, 3),
                    federation.startClient(2, 3));

            assertThat(coordinator.awaitExit(BOUND)).as("coordinator exit code").isZero();
            List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
            assertThat(rounds).extracting(RoundLine::round).containsExactly(1, 2, 3, 4, 5);
            assertThat(rounds).allSatisfy(round -> {
                assertThat(round.replies()).isEqualTo(3);
                assertThat(round.failures()).isZero();
            });
            assertThat(rounds.get(4).accuracy()).as("accuracy after the last round vs the first")
                    .isGreaterThan(rounds.get(0).accuracy() + 0.02);
            assertThat(rounds.get(4).loss()).isLessThan(rounds.get(0).loss());
            for (ManagedProcess client : clients) {
                assertThat(client.awaitExit(Duration.ofSeconds(60))).as(client.name() + " exit code").isZero();
                assertThat(client.output()).contains("asked this client to disconnect and shut down");
            }
        }
    }

    @Test
    void aClientKilledMidRoundIsRecordedAsAFailureAndTheRoundStillCompletes(TestInfo test) throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            ManagedProcess coordinator = federation.startCoordinator("--fedlink.server.quorum.min-clients=3",
                    "--fedlink.server.training.rounds=2", "--fedlink.server.training.min-fit-results=2",
                    "--fedlink.server.reply-timeout=60s");
            federation.startClient(0, 3, "--sample.fit-delay=1s");
            federation.startClient(1, 3, "--sample.fit-delay=1s");
            ManagedProcess victim = federation.startClient(2, 3, "--sample.fit-delay=5s");

            victim.awaitLine("its round-2 fit starting", BOUND, line -> line.contains("fit round 2: training"));
            long killedAt = System.nanoTime();
            victim.kill();

            assertThat(coordinator.awaitExit(BOUND)).isZero();
            List<RoundLine> rounds = RoundLine.parse(coordinator.lines());
            assertThat(rounds).hasSize(2);
            RoundLine second = rounds.get(1);
            assertThat(second.asked()).isEqualTo(3);
            assertThat(second.replies()).isEqualTo(2);
            assertThat(second.failures()).isEqualTo(1);
            assertThat(coordinator.output()).contains("disconnected (CANCELLED) while fit_ins was outstanding");
            String finished = coordinator.awaitLine("the end of training", Duration.ofSeconds(5),
                    line -> line.contains("Training finished"));
            assertThat(finished).contains("2 rounds (2 completed)");
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                    .as("the round did not wait out the 60 s reply timeout for the dead client")
                    .isLessThan(Duration.ofSeconds(45));
        }
    }

    @Test
    void aCoordinatorKilledMidTrainingResumesFromItsCheckpointAndClientsComeBackByThemselves(TestInfo test)
            throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())) {
            String checkpoints = "--fedlink.server.training.checkpoint-directory=" + federation.logDir().resolve("checkpoints");
            String[] settings = {"--fedlink.server.quorum.min-clients=3", "--fedlink.server.training.rounds=4", checkpoints};
            ManagedProcess first = federation.startCoordinator(settings);
            List<ManagedProcess> clients = List.of(federation.startClient(0, 3, "--sample.fit-delay=1s"),
                    federation.startClient(1, 3, "--sample.fit-delay=1s"),
                    federation.startClient(2, 3, "--sample.fit-delay=1s"));

            first.awaitLine("round 2 finished", BOUND, line -> line.contains("round 2/4:"));
            first.kill();
            List<RoundLine> before = RoundLine.parse(first.lines());

            ManagedProcess second = federation.startCoordinator(settings);
            assertThat(second.awaitExit(BOUND)).isZero();
            assertThat(second.output()).containsPattern("Resuming training at round \\d/4 from the checkpoint of round \\d");
            List<RoundLine> after = RoundLine.parse(second.lines());
            assertThat(after).isNotEmpty();
            assertThat(after.get(0).round()).as("the restarted coordinator continues after the last checkpoint")
                    .isEqualTo(before.get(before.size() - 1).round() + 1);
            assertThat(after.get(after.size() - 1).round()).isEqualTo(4);
            assertThat(after).allSatisfy(round -> assertThat(round.replies()).isEqualTo(3));
            for (ManagedProcess client : clients) {
                assertThat(client.awaitExit(Duration.ofSeconds(60))).as(client.name() + " exit code").isZero();
                assertThat(client.output()).contains("Reconnecting to coordinator");
            }
        }
    }
}
