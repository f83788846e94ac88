package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkPlanTests {

    @Test
    void aSettingCanBeReplacedLeavingTheOthers() {
        BenchmarkPlan plan = BenchmarkPlan.quick()
                .with("scaleClients", "10, 20")
                .with("transferModelBytes", "1048576")
                .with("largeHeap", "2g")
                .with("roundTripPairs", "7");

        assertThat(plan.scaleClients()).containsExactly(10, 20);
        assertThat(plan.transferModelBytes()).containsExactly(1048576L);
        assertThat(plan.largeHeap()).isEqualTo("2g");
        assertThat(plan.roundTripPairs()).isEqualTo(7);
        assertThat(plan.mode()).isEqualTo("quick");
        assertThat(plan.roundTripClients()).isEqualTo(BenchmarkPlan.quick().roundTripClients());
    }

    @Test
    void anUnknownSettingOrABadValueIsNamed() {
        assertThatThrownBy(() -> BenchmarkPlan.full().with("clients", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no benchmark setting clients")
                .hasMessageContaining("scaleClients");
        assertThatThrownBy(() -> BenchmarkPlan.full().with("scaleClients", "many"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scaleClients cannot be many");
    }

    @Test
    void theFullPlanHasTheSizesTheIssueAsksFor() {
        BenchmarkPlan full = BenchmarkPlan.full();
        assertThat(full.roundTripClients()).isEqualTo(List.of(1, 16, 256));
        assertThat(full.transferModelBytes()).isEqualTo(List.of(64 * BenchmarkPlan.MIB, 256 * BenchmarkPlan.MIB));
        assertThat(full.transferClients()).isEqualTo(8);
        assertThat(full.scaleClients()).isEqualTo(List.of(1000, 5000, 10000));
        assertThat(full.aggregationClients()).contains(32);
        assertThat(full.aggregationModelBytes()).isEqualTo(64 * BenchmarkPlan.MIB);
        assertThat(full.robustClients()).isEqualTo(List.of(8, 32, 128));
        assertThat(full.robustModelBytes()).isEqualTo(64 * BenchmarkPlan.MIB);
    }
}
