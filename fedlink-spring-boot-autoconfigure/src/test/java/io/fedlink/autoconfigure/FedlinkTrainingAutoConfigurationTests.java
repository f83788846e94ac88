package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RunningTrainings;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.ClientInstruction;
import io.fedlink.strategy.EvaluateAggregator;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.FitConfigFunction;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FedlinkTrainingAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(FedlinkServerAutoConfiguration.class, FedlinkTrainingAutoConfiguration.class));

    @Test
    void whenNothingIsConfiguredThenFedAvgWithFlowerDefaultsAndTheQuorumAsMinAvailableClients() {
        runner.withPropertyValues("fedlink.server.quorum.min-clients=3").run(context -> {
            assertThat(context).hasSingleBean(Strategy.class).hasSingleBean(FederatedTrainingConfigurer.class)
                    .hasSingleBean(RunningTrainings.class);
            StrategyOptions options = ((FedAvg) context.getBean(Strategy.class)).options();
            assertThat(options.fractionFit()).isEqualTo(1.0);
            assertThat(options.fractionEvaluate()).isEqualTo(1.0);
            assertThat(options.minFitClients()).isEqualTo(2);
            assertThat(options.minEvaluateClients()).isEqualTo(2);
            assertThat(options.minAvailableClients()).isEqualTo(3);
            assertThat(options.acceptFailures()).isTrue();
        });
    }

    @Test
    void aQuorumOfOneLowersTheSamplingMinimumsSoOneClientCanTrain() {
        runner.withPropertyValues("fedlink.server.quorum.min-clients=1").run(context -> {
            StrategyOptions options = ((FedAvg) context.getBean(Strategy.class)).options();
            assertThat(options.minFitClients()).isEqualTo(1);
            assertThat(options.minEvaluateClients()).isEqualTo(1);
        });
    }

    @Test
    void whenStrategyPropertiesAreSetThenTheyReachTheStrategy() {
        runner.withPropertyValues("fedlink.server.strategy.name=FedAvg", "fedlink.server.strategy.fraction-fit=0.5",
                "fedlink.server.strategy.fraction-evaluate=0", "fedlink.server.strategy.min-fit-clients=4",
                "fedlink.server.strategy.min-evaluate-clients=3", "fedlink.server.strategy.min-available-clients=5",
                "fedlink.server.strategy.accept-failures=false").run(context -> {
                    StrategyOptions options = ((FedAvg) context.getBean(Strategy.class)).options();
                    assertThat(options.fractionFit()).isEqualTo(0.5);
                    assertThat(options.fractionEvaluate()).isZero();
                    assertThat(options.minFitClients()).isEqualTo(4);
                    assertThat(options.minEvaluateClients()).isEqualTo(3);
                    assertThat(options.minAvailableClients()).isEqualTo(5);
                    assertThat(options.acceptFailures()).isFalse();
                });
    }

    @Test
    void aFitConfigFunctionBeanConfiguresTheBuiltInStrategy() {
        runner.withUserConfiguration(UserFitConfig.class).run(context -> {
            StrategyOptions options = ((FedAvg) context.getBean(Strategy.class)).options();
            assertThat(options.fitConfig(3)).isEqualTo(Map.of("round", 3, "learning_rate", 0.1));
        });
    }

    @Test
    void whenUserDefinesStrategyThenAutoConfiguredOneBacksOffAndTrainingsUseIt() {
        runner.withUserConfiguration(UserStrategy.class).run(context -> {
            assertThat(context).hasSingleBean(Strategy.class);
            assertThat(context.getBean(Strategy.class)).isSameAs(context.getBean("myStrategy"));
            FederatedTraining training = context.getBean(FederatedTrainingConfigurer.class).builder().build();
            assertThat(training.strategy()).isSameAs(context.getBean("myStrategy"));
        });
    }

    @Test
    void whenASamplingMinimumExceedsMinAvailableClientsThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("fedlink.server.strategy.min-available-clients=2",
                "fedlink.server.strategy.min-fit-clients=3").run(context -> assertThat(context).getFailure()
                .rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.min-fit-clients").hasMessageContaining("must not exceed"));
    }

    @Test
    void whenAFractionIsOutOfRangeThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("fedlink.server.strategy.fraction-fit=1.5").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.fraction-fit").hasMessageContaining("between 0 and 1"));
    }

    @Test
    void whenTheStrategyNameIsUnknownThenStartupFailsNamingTheProperty() {
        runner.withPropertyValues("fedlink.server.strategy.name=FedSomething").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("Failed to bind properties under 'fedlink.server.strategy.name'"));
    }

    @Test
    void aBuiltInStrategyIsChosenByItsFlowerNameWithFlowersParameterNames() {
        runner.withPropertyValues("fedlink.server.strategy.name=FedAdam", "fedlink.server.strategy.eta=0.05",
                "fedlink.server.strategy.beta-1=0.8", "fedlink.server.strategy.tau=0.001").run(context ->
                assertThat(context.getBean(Strategy.class)).hasToString(
                        "FedAdam(accept_failures=true, eta=0.05, beta_1=0.8, beta_2=0.99, tau=0.001)"));
        runner.withPropertyValues("fedlink.server.strategy.name=fed-avg-m", "fedlink.server.strategy.server-momentum=0.9")
                .run(context -> assertThat(context.getBean(Strategy.class)).hasToString(
                        "FedAvgM(accept_failures=true, server_learning_rate=1.0, server_momentum=0.9)"));
    }

    @Test
    void robustStrategiesKeepTheirUpdatesAsTheSpillSettingsSay(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        runner.withPropertyValues("fedlink.server.strategy.name=FedMedian", "fedlink.server.strategy.spill.heap-budget=1MB",
                "fedlink.server.strategy.spill.directory=" + dir).run(context -> {
                    var storage = ((io.fedlink.strategy.RobustStrategy) context.getBean(Strategy.class)).storage();
                    assertThat(storage.heapBudgetBytes()).isEqualTo(1024 * 1024);
                    assertThat(storage.directory()).isEqualTo(dir);
                });
    }

    @Test
    void differentialPrivacyWrapsTheStrategyAndNeedsItsParameters() {
        runner.withPropertyValues("fedlink.server.strategy.differential-privacy.clipping=fixed",
                "fedlink.server.strategy.differential-privacy.noise-multiplier=1.0",
                "fedlink.server.strategy.differential-privacy.num-sampled-clients=10",
                "fedlink.server.strategy.differential-privacy.clipping-norm=0.5").run(context ->
                assertThat(context.getBean(Strategy.class)).hasToString("DifferentialPrivacyServerSideFixedClipping("
                        + "FedAvg(accept_failures=true), noise_multiplier=1.0, clipping_norm=0.5, num_sampled_clients=10)"));
        runner.withPropertyValues("fedlink.server.strategy.differential-privacy.clipping=fixed",
                "fedlink.server.strategy.differential-privacy.noise-multiplier=1.0",
                "fedlink.server.strategy.differential-privacy.num-sampled-clients=10").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.differential-privacy.clipping-norm"));
    }

    @Test
    void aStrategyMissingWhatItNeedsFailsStartupSayingWhat() {
        runner.withPropertyValues("fedlink.server.strategy.name=FedProx").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.proximal-mu"));
        runner.withPropertyValues("fedlink.server.strategy.name=QFedAvg").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.strategy.name").hasMessageContaining("EvaluateFunction bean"));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserFitConfig {
        @Bean
        FitConfigFunction fitConfig() {
            return round -> Map.of("round", round, "learning_rate", 0.1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserStrategy {
        @Bean
        Strategy myStrategy() {
            return new Strategy() {
                @Override
                public List<ClientInstruction<ServerMessage.FitIns>> configureFit(int round, Parameters parameters,
                                                                                 ClientManager clientManager) {
                    return List.of();
                }

                @Override
                public FitAggregator fitAggregator(int round, Parameters parameters) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public List<ClientInstruction<ServerMessage.EvaluateIns>> configureEvaluate(int round, Parameters parameters,
                                                                                           ClientManager clientManager) {
                    return List.of();
                }

                @Override
                public EvaluateAggregator evaluateAggregator(int round) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
