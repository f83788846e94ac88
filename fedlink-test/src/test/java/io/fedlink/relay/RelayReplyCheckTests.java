package io.fedlink.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.FailureRecord;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.strategy.FedAdam;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.FedMedian;
import io.fedlink.strategy.Krum;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A root whose strategy cannot run through relays (FedMedian here) refuses the relays' replies, saying why, instead of
 * training a median of means; the same guarded strategy trains the same clients joined directly; strategies that
 * compose are not wrapped at all. Real root, relays and clients over in-process streams.
 */
class RelayReplyCheckTests {

    private static final StrategyOptions TWO = StrategyOptions.builder().minAvailableClients(2).minFitClients(2)
            .minEvaluateClients(2).build();

    @Test
    void fedMedianAtTheRootRejectsEachRelaysReplyNamingTheStrategyAndWhy() throws Exception {
        RelaySettings settings = new RelaySettings(2, Duration.ofSeconds(10), Duration.ofSeconds(10), 64, true, true);
        try (RelayTree tree = RelayTree.withRelays(2, leaves(4), settings)) {
            RoundRecord round = trainOneRound(tree, RelayReplyCheck.guard(new FedMedian(TWO)));

            assertThat(round.completed()).isFalse();
            assertThat(round.fitReplies()).isZero();
            assertThat(round.failures()).hasSize(2).allSatisfy(failure -> {
                assertThat(failure.phase()).isEqualTo(FailureRecord.Phase.FIT);
                assertThat(failure.message()).contains("is a relay", "FedMedian cannot run through relays",
                        "a median of the relays' means is not the median", "fedlink.server.strategy.name");
            });
        }
    }

    @Test
    void theGuardedStrategyTrainsClientsJoinedDirectly() throws Exception {
        try (RelayTree tree = RelayTree.flat(leaves(2))) {
            RoundRecord round = trainOneRound(tree, RelayReplyCheck.guard(new FedMedian(TWO)));

            assertThat(round.completed()).isTrue();
            assertThat(round.fitReplies()).isEqualTo(2);
            assertThat(round.failures()).isEmpty();
        }
    }

    @Test
    void onlyStrategiesThatCannotComposeAreGuarded() {
        Strategy fedAvg = new FedAvg(TWO);
        Strategy fedAdam = new FedAdam(TWO);

        assertThat(RelayReplyCheck.guard(fedAvg)).isSameAs(fedAvg);
        assertThat(RelayReplyCheck.guard(fedAdam)).isSameAs(fedAdam);
        assertThat(RelayReplyCheck.guard(new Krum(TWO))).isInstanceOf(RelayReplyCheck.class);
    }

    private static List<LinearTrainer> leaves(int count) {
        return IntStream.range(0, count).mapToObj(LinearTrainer::new).toList();
    }

    private static RoundRecord trainOneRound(RelayTree tree, Strategy strategy) throws InterruptedException {
        TrainingResult result = FederatedTraining.builder(tree.rootClients(),
                        ParametersCodec.encode(LinearTrainer.initialModel()))
                .strategy(strategy).rounds(1).fitTimeout(Duration.ofSeconds(20)).evaluateTimeout(Duration.ofSeconds(20))
                .build().run();
        return result.history().rounds().get(0);
    }
}
