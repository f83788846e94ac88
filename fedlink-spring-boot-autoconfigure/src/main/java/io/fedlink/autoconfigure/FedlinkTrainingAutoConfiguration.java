package io.fedlink.autoconfigure;

import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RunningTrainings;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.server.ClientManager;
import io.fedlink.strategy.EvaluateConfigFunction;
import io.fedlink.strategy.EvaluateFunction;
import io.fedlink.strategy.FitConfigFunction;
import io.fedlink.strategy.InitialParameters;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.Npz;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.devh.boot.grpc.server.service.GrpcService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Training on the coordinator: the {@link Strategy} (the built-in one named by {@code fedlink.server.strategy.*},
 * configured with any {@link FitConfigFunction}, {@link EvaluateConfigFunction} and {@link EvaluateFunction} bean;
 * an application's own {@code Strategy} bean replaces it), the {@link FederatedTrainingConfigurer} that builds
 * training loops with it and their initial model, the registry of running trainings that shutdown stops first, and
 * with {@code fedlink.server.training.auto-start} a training that starts with the application.
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
        try {
            return strategy.getDifferentialPrivacy().settings()
                    .wrap(strategy.getName().create(options.build(), strategy.parameters()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.strategy.name",
                    strategy.getName().flowerName(), e.getMessage());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public RunningTrainings fedlinkRunningTrainings() {
        return new RunningTrainings();
    }

    /**
     * Builds training loops with the strategy; their first model is the {@link InitialParameters} bean, else
     * {@code fedlink.server.training.initial-model} (read now, so a wrong file fails start-up), else a client's.
     */
    @Bean
    @ConditionalOnMissingBean
    public FederatedTrainingConfigurer federatedTrainingConfigurer(ClientManager clientManager, Strategy strategy,
                                                                   FedlinkServerProperties properties,
                                                                   ObjectProvider<RoundListener> listeners,
                                                                   ObjectProvider<InitialParameters> initialParameters,
                                                                   ResourceLoader resourceLoader) {
        InitialParameters initial = initialParameters.getIfAvailable(
                () -> initialModelFile(properties.getTraining().getInitialModel(), resourceLoader));
        return new FederatedTrainingConfigurer(clientManager, strategy, properties, listeners.orderedStream().toList(),
                initial);
    }

    /** {@code fedlink.server.training.auto-start}: one training with the strategy bean, on a thread of its own. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "fedlink.server.training", name = "auto-start", havingValue = "true")
    public TrainingRun fedlinkTrainingRun(FederatedTrainingConfigurer configurer) {
        return new TrainingRun(configurer.builder().build());
    }

    /**
     * Starts the {@link TrainingRun} once the application has started (the gRPC server listens); with
     * {@code exit-when-done}, exits the JVM when the training ends by itself: status 0 if every round completed, 1
     * otherwise. A training stopped because the application is shutting down leaves the exit to the shutdown.
     */
    @Bean
    @ConditionalOnProperty(prefix = "fedlink.server.training", name = "auto-start", havingValue = "true")
    ApplicationRunner fedlinkTrainingAutoStart(TrainingRun run, FedlinkServerProperties properties,
                                               ConfigurableApplicationContext context) {
        boolean exit = properties.getTraining().isExitWhenDone();
        return arguments -> run.start(exit ? code -> System.exit(SpringApplication.exit(context, () -> code)) : code -> { });
    }

    /** The model in {@code location} (a file path, else a resource location), or {@code null} when unset. */
    private static InitialParameters initialModelFile(String location, ResourceLoader resourceLoader) {
        if (location == null || location.isBlank()) {
            return null;
        }
        Path path = Path.of(location);
        Resource resource = !location.contains(":") || Files.exists(path) ? new FileSystemResource(path)
                : resourceLoader.getResource(location);
        if (!resource.exists()) {
            throw new InvalidConfigurationPropertyValueException(INITIAL_MODEL, location,
                    "no such file or resource (a .npz or .npy path, or a location such as classpath:model.npz)");
        }
        try (InputStream in = resource.getInputStream()) {
            return InitialParameters.of(Npz.readModel(in, location));
        } catch (IOException | NpyFormatException e) {
            throw new InvalidConfigurationPropertyValueException(INITIAL_MODEL, location,
                    "cannot be read as a model: " + e.getMessage());
        }
    }

    private static final String INITIAL_MODEL = "fedlink.server.training.initial-model";
}
