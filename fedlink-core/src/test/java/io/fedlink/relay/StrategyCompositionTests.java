package io.fedlink.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.strategy.BuiltInStrategy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which root strategies compose through relays, looked up the way configuration names them. */
class StrategyCompositionTests {

    @Test
    void weightedMeanStrategiesAreExactAndRobustOnesAreNot() {
        assertThat(StrategyComposition.of("FedAvg")).hasValueSatisfying(entry -> assertThat(entry.exact()).isTrue());
        assertThat(StrategyComposition.of("fed-adam")).hasValueSatisfying(entry -> assertThat(entry.exact()).isTrue());
        assertThat(StrategyComposition.of("FED_AVG_M")).hasValue(StrategyComposition.FED_AVG_M);
        assertThat(StrategyComposition.of("FedMedian")).hasValueSatisfying(entry -> {
            assertThat(entry.exact()).isFalse();
            assertThat(entry.why()).contains("median of the relays' means");
        });
        assertThat(StrategyComposition.of("krum")).hasValueSatisfying(entry -> assertThat(entry.exact()).isFalse());
        assertThat(StrategyComposition.of("Bulyan")).hasValueSatisfying(entry -> assertThat(entry.exact()).isFalse());
        assertThat(StrategyComposition.of("FedTrimmedAvg")).hasValueSatisfying(entry -> assertThat(entry.exact()).isFalse());
    }

    @Test
    void anUnknownNameHasNoEntry() {
        assertThat(StrategyComposition.of("MyOwnStrategy")).isEmpty();
        assertThat(StrategyComposition.of(null)).isEmpty();
    }

    @Test
    void everyBuiltInStrategyHasAnEntryUnderItsFlowerName() {
        assertThat(Arrays.stream(BuiltInStrategy.values()))
                .allSatisfy(strategy -> assertThat(StrategyComposition.of(strategy.flowerName()))
                        .as(strategy.flowerName()).hasValueSatisfying(entry ->
                                assertThat(entry.flowerName()).isEqualTo(strategy.flowerName())));
    }
}
