package io.fedlink.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.DetachedClients;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every built-in strategy by its Flower name, with Flower's defaults and its required parameters. */
class BuiltInStrategyTests {

    private static final StrategyOptions WITH_EVALUATION = StrategyOptions.builder()
            .evaluateFunction((round, model) -> Optional.of(Evaluation.none())).build();

    @Test
    void everyNameBuildsItsFlowerStrategy() {
        StrategyParameters withMu = new StrategyParameters(null, null, 0.01, null, null, null, null, null, null, null, null,
                null, null, null, null, StrategyParameters.defaults().storage());
        assertThat(Arrays.stream(BuiltInStrategy.values()).map(name -> name.create(WITH_EVALUATION, withMu)
                .getClass().getSimpleName())).containsExactly("FedAvg", "FedAvgM", "FedProx", "FedAdagrad", "FedAdam",
                "FedYogi", "FedMedian", "FedTrimmedAvg", "Krum", "Bulyan", "QFedAvg", "FaultTolerantFedAvg");
        assertThat(Arrays.stream(BuiltInStrategy.values()).map(BuiltInStrategy::flowerName))
                .containsExactly("FedAvg", "FedAvgM", "FedProx", "FedAdagrad", "FedAdam", "FedYogi", "FedMedian",
                        "FedTrimmedAvg", "Krum", "Bulyan", "QFedAvg", "FaultTolerantFedAvg");
    }

    @Test
    void flowersDefaultsDifferForQFedAvgAndFaultTolerantFedAvg() {
        assertThat(BuiltInStrategy.FED_AVG.defaultOptions().build().minFitClients()).isEqualTo(2);
        assertThat(BuiltInStrategy.QFED_AVG.defaultOptions().build().minAvailableClients()).isEqualTo(1);
        assertThat(BuiltInStrategy.FAULT_TOLERANT_FED_AVG.defaultOptions().build().minEvaluateClients()).isEqualTo(1);
        assertThat(BuiltInStrategy.FED_ADAM.create(StrategyOptions.defaults()).toString())
                .isEqualTo("FedAdam(accept_failures=true, eta=0.1, beta_1=0.9, beta_2=0.99, tau=1.0E-9)");
        assertThat(BuiltInStrategy.FED_YOGI.create(StrategyOptions.defaults()).toString())
                .isEqualTo("FedYogi(accept_failures=true, eta=0.01, beta_1=0.9, beta_2=0.99, tau=0.001)");
    }

    @Test
    void fedProxWithoutProximalMuAndQFedAvgWithoutCentralizedEvaluationAreRefused() {
        assertThatThrownBy(() -> BuiltInStrategy.FED_PROX.create(StrategyOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("FedProx needs proximal_mu");
        assertThatThrownBy(() -> BuiltInStrategy.QFED_AVG.create(StrategyOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a centralized evaluation");
    }

    @Test
    void fedProxSendsProximalMuWithEveryFitIns() throws Exception {
        DefaultClientManager manager = new DefaultClientManager(Duration.ofSeconds(1), 10);
        manager.register(DetachedClients.named("a"));
        FedProx fedProx = new FedProx(StrategyOptions.builder().minClients(1)
                .onFitConfig(round -> Map.of("local_epochs", 2)).build(), 0.05);
        Parameters model = ParametersCodec.encode(NdArray.of(new float[] {1f}));

        var config = fedProx.configureFit(1, model, manager).get(0).instruction().getConfigMap();

        assertThat(config).containsEntry("proximal_mu", Scalar.newBuilder().setDouble(0.05).build())
                .containsEntry("local_epochs", Scalar.newBuilder().setSint64(2).build());
    }

    @Test
    void differentialPrivacySettingsWrapTheStrategy() {
        Strategy fedAvg = new FedAvg();
        assertThat(new DifferentialPrivacySettings(DifferentialPrivacySettings.ServerSideClipping.NONE, null, null, null,
                null, null, null, null).wrap(fedAvg)).isSameAs(fedAvg);
        assertThat(new DifferentialPrivacySettings(DifferentialPrivacySettings.ServerSideClipping.FIXED, 1.0, 10, 0.5,
                null, null, null, null).wrap(fedAvg)).isInstanceOf(DifferentialPrivacyServerSideFixedClipping.class);
        DifferentialPrivacyServerSideAdaptiveClipping adaptive = (DifferentialPrivacyServerSideAdaptiveClipping)
                new DifferentialPrivacySettings(DifferentialPrivacySettings.ServerSideClipping.ADAPTIVE, 1.0, 100, null,
                        null, null, null, null).wrap(fedAvg);
        assertThat(adaptive.currentClippingNorm()).isEqualTo(0.1);
        // sigma_b = 100 / 20 = 5: z_delta = (1 - 1/100)^(-1/2)
        assertThat(adaptive.effectiveNoiseMultiplier()).isCloseTo(Math.pow(1 - 0.01, -0.5),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> new DifferentialPrivacySettings(DifferentialPrivacySettings.ServerSideClipping.ADAPTIVE,
                1.0, 10, null, null, null, null, null).wrap(fedAvg)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too high for a clipped count standard deviation of 0.5");
    }
}
