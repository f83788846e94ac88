package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.NumPyClient;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.coordinator.TrainingRun;
import io.fedlink.strategy.InitialParameters;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.ParametersCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A coordinator that is nothing but the starter and properties: it trains on start-up with the built-in strategy,
 * from the model a client gives, a configured model file or an {@link InitialParameters} bean; clients written as
 * {@link NumPyClient} beans need nothing else either.
 */
class FedlinkTrainingAutoStartTests {

    @SpringBootApplication
    static class CoordinatorApp {
    }

    /** A client application whose only code is a NumPyClient: it gives 3 zeros and moves its model towards 1. */
    @SpringBootApplication
    static class ClientApp {
        @Bean
        NumPyClient client() {
            return new NumPyClient() {
                @Override
                public List<NdArray> getParameters(Map<String, Object> config) {
                    return List.of(NdArray.zeros(DType.FLOAT32, 3));
                }

                @Override
                public FitResult fit(List<NdArray> parameters, Map<String, Object> config) {
                    float[] w = parameters.get(0).toFloatArray();
                    for (int i = 0; i < w.length; i++) {
                        w[i] += 0.5f * (1 - w[i]);
                    }
                    return new FitResult(List.of(NdArray.of(w)), 10);
                }

                @Override
                public EvaluateResult evaluate(List<NdArray> parameters, Map<String, Object> config) {
                    return new EvaluateResult(1 - parameters.get(0).getDouble(0), 10, Map.of());
                }
            };
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(FedlinkServerAutoConfiguration.class, FedlinkTrainingAutoConfiguration.class));

    @Test
    void aCoordinatorMadeOfPropertiesTrainsOnStartUpAModelItsClientsBring() throws Exception {
        String name = "fedlink-auto-" + UUID.randomUUID();
        try (ConfigurableApplicationContext coordinator = new SpringApplicationBuilder(CoordinatorApp.class)
                .web(WebApplicationType.NONE).properties("grpc.server.in-process-name=" + name, "grpc.server.port=-1",
                        "fedlink.server.quorum.min-clients=2", "fedlink.server.training.rounds=2",
                        "fedlink.server.training.auto-start=true").run();
             ConfigurableApplicationContext first = client(name);
             ConfigurableApplicationContext second = client(name)) {
            TrainingRun run = coordinator.getBean(TrainingRun.class);

            TrainingResult result = run.result().get(60, TimeUnit.SECONDS);

            assertThat(run.phase()).isEqualTo(TrainingRun.Phase.FINISHED);
            assertThat(result.history().rounds()).hasSize(2).allSatisfy(round -> {
                assertThat(round.completed()).isTrue();
                assertThat(round.fitReplies()).isEqualTo(2);
            });
            assertThat(result.modelArrays().get(0).toFloatArray()).containsExactly(0.75f, 0.75f, 0.75f);
            for (ConfigurableApplicationContext client : List.of(first, second)) {
                client.getBean(FederatedClientLifecycle.class).termination().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static ConfigurableApplicationContext client(String name) {
        return new SpringApplicationBuilder(ClientApp.class).web(WebApplicationType.NONE)
                .properties("grpc.client.fedlink.address=in-process:" + name, "grpc.server.port=-1").run();
    }

    @Test
    void theInitialModelFileIsTheFirstRoundsModel(@TempDir Path dir) throws IOException {
        Path model = npz(dir.resolve("model.npz"), NdArray.of(new float[] {1f, 2f}), NdArray.scalar(3.0));
        runner.withPropertyValues("fedlink.server.training.initial-model=" + model).run(context -> {
            FederatedTraining training = context.getBean(FederatedTrainingConfigurer.class).builder().build();
            assertThat(ParametersCodec.decode(training.globalModel()))
                    .containsExactly(NdArray.of(new float[] {1f, 2f}), NdArray.scalar(3.0));
        });
    }

    @Test
    void anInitialParametersBeanComesBeforeTheFile(@TempDir Path dir) throws IOException {
        Path model = npz(dir.resolve("model.npz"), NdArray.of(new float[] {1f, 2f}));
        runner.withPropertyValues("fedlink.server.training.initial-model=" + model)
                .withUserConfiguration(UserInitialParameters.class).run(context -> {
                    FederatedTraining training = context.getBean(FederatedTrainingConfigurer.class).builder().build();
                    assertThat(ParametersCodec.decode(training.globalModel())).containsExactly(NdArray.of(new float[] {9f}));
                });
    }

    @Test
    void anInitialModelThatCannotBeReadFailsStartupNamingTheProperty(@TempDir Path dir) throws IOException {
        Path notAModel = Files.writeString(dir.resolve("model.npz"), "not a model");
        runner.withPropertyValues("fedlink.server.training.initial-model=" + notAModel).run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.training.initial-model").hasMessageContaining("cannot be read as a model"));
        runner.withPropertyValues("fedlink.server.training.initial-model=" + dir.resolve("missing.npz")).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("no such file or resource"));
    }

    @Test
    void exitWhenDoneWithoutAutoStartFailsStartupNamingTheProperty() {
        runner.withPropertyValues("fedlink.server.training.exit-when-done=true").run(context -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("fedlink.server.training.exit-when-done")
                .hasMessageContaining("fedlink.server.training.auto-start=true"));
    }

    @Test
    void withoutAutoStartNoTrainingRuns() {
        runner.run(context -> assertThat(context).doesNotHaveBean(TrainingRun.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserInitialParameters {
        @Bean
        InitialParameters initialParameters() {
            return InitialParameters.of(List.of(NdArray.of(new float[] {9f})));
        }
    }

    /** An .npz as numpy.savez writes it: arr_0.npy, arr_1.npy, ... */
    private static Path npz(Path file, NdArray... arrays) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < arrays.length; i++) {
                zip.putNextEntry(new ZipEntry("arr_" + i + ".npy"));
                zip.write(Npy.write(arrays[i]));
            }
        }
        return file;
    }
}
