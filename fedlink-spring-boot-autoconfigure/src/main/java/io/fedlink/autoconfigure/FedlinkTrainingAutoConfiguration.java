package io.fedlink.autoconfigure;

import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RunningTrainings;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.EvaluateConfigFunction;
import io.fedlink.strategy.EvaluateFunction;
import io.fedlink.strategy.FitConfigFunction;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import net.devh.boot.grpc.server.service.GrpcService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Training on the coordinator: the {@link Strategy} (the built-in one named by {@code fedlink.server.strategy.*},
 * configured with any {@link FitConfigFunction}, {@link EvaluateConfigFunction} and {@link EvaluateFunction} bean;
 * an application's own {@code Strategy} bean replaces it), the {@link FederatedTrainingConfigurer} that builds
 * training loops with it, and the registry of running trainings that shutdown stops first.
 */
@AutoConfiguration(after = FedlinkServerAutoConfiguration.class)
@ConditionalOnClass({GrpcService.class, FlowerServiceGrpc.class})
@Conditional(OnFedlinkServerCondition.class)
@EnableConfigurationProperties({FedlinkServerProperties.class, FedlinkStrategyProperties.class})
public class FedlinkTrainingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(Strategy.class)
    public Strategy fedlinkStrategy(FedlinkStrategyProperties strategy, FedlinkServerProperties server,
                                    ObjectProvider<FitConfigFunction> fitConfig,
                                    ObjectProvider<EvaluateConfigFunction> evaluateConfig,
                                    ObjectProvider<EvaluateFunction> evaluateFunction) {
        StrategyOptions.Builder options = strategy.options(server.getQuorum().getMinClients());
        fitConfig.ifAvailable(options::onFitConfig);
        evaluateConfig.ifAvailable(options::onEvaluateConfig);
        evaluateFunction.ifAvailable(options::evaluateFunction);
        return strategy.getName().create(options.build());
    }

    @Bean
    @ConditionalOnMissingBean
    public RunningTrainings fedlinkRunningTrainings() {
        return new RunningTrainings();
    }

    @Bean
    @ConditionalOnMissingBean
    public FederatedTrainingConfigurer federatedTrainingConfigurer(ClientManager clientManager, Strategy strategy,
                                                                   FedlinkServerProperties properties,
                                                                   ObjectProvider<RoundListener> listeners) {
        return new FederatedTrainingConfigurer(clientManager, strategy, properties, listeners.orderedStream().toList());
    }
}
