package io.fedlink.sample.server;

import io.fedlink.autoconfigure.FederatedTrainingConfigurer;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.TrainingResult;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientManager;
import io.fedlink.proto.ServerMessage;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Service;

/**
 * Trains a logistic-regression model (weights of {@code sample.features} plus a bias) with FedAvg over the connected
 * clients, for {@code fedlink.server.training.rounds} rounds, then tells every client to shut down.
 */
@Service
class TrainingCoordinator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingCoordinator.class);

    /** Where the training is. */
    enum Phase {
        /** Waiting for clients or playing rounds. */
        RUNNING,
        /** Every round was played (some may have failed). */
        FINISHED,
        /** The training stopped with an error (see the log). */
        FAILED
    }

    private final FederatedTrainingConfigurer training;
    private final ClientManager clientManager;
    private final SampleProperties properties;
    private final ConfigurableApplicationContext context;
    private volatile Phase phase = Phase.RUNNING;

    TrainingCoordinator(FederatedTrainingConfigurer training, ClientManager clientManager, SampleProperties properties,
                        ConfigurableApplicationContext context) {
        this.training = training;
        this.clientManager = clientManager;
        this.properties = properties;
        this.context = context;
    }

    /** Where the training is; safe to read from any thread. */
    Phase phase() {
        return phase;
    }

    @Override
    public void run(ApplicationArguments args) {
        Thread thread = new Thread(this::train, "sample-training");
        thread.start();
    }

    private void train() {
        int exitCode = 0;
        long started = System.nanoTime();
        try {
            Parameters initial = ParametersCodec.encode(NdArray.zeros(DType.FLOAT32, properties.getFeatures()),
                    NdArray.zeros(DType.FLOAT32, 1));
            TrainingResult result = training.builder(initial).build().run();
            logSummary(result.history().rounds(), Duration.ofNanos(System.nanoTime() - started));
            phase = Phase.FINISHED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            phase = Phase.FAILED;
            exitCode = 1;
        } catch (RuntimeException e) {
            log.error("Training failed", e);
            phase = Phase.FAILED;
            exitCode = 1;
        } finally {
            disconnectClients();
        }
        if (properties.isExitWhenDone()) {
            int code = exitCode;
            System.exit(SpringApplication.exit(context, () -> code));
        }
    }

    private void logSummary(List<RoundRecord> rounds, Duration total) {
        Optional<Double> first = accuracy(rounds.isEmpty() ? null : rounds.get(0));
        Optional<Double> last = accuracy(rounds.isEmpty() ? null : rounds.get(rounds.size() - 1));
        long completed = rounds.stream().filter(RoundRecord::completed).count();
        log.info("Training finished: {} rounds ({} completed), accuracy {} after round 1 and {} after round {}, total {} s",
                rounds.size(), completed, first.map(a -> String.format("%.3f", a)).orElse("n/a"),
                last.map(a -> String.format("%.3f", a)).orElse("n/a"), rounds.size(),
                String.format("%.1f", total.toMillis() / 1000.0));
    }

    private static Optional<Double> accuracy(RoundRecord record) {
        return record == null ? Optional.empty() : Optional.ofNullable(record.metrics().get("accuracy"));
    }

    /** Flower's end of training: {@code reconnect_ins{seconds: 0}} asks each client to disconnect and shut down. */
    private void disconnectClients() {
        ServerMessage shutdown = ServerMessage.newBuilder()
                .setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(0)).build();
        CompletableFuture<?>[] acknowledged = clientManager.all().stream()
                .map(client -> client.runAsync(shutdown, Duration.ofSeconds(10)).exceptionally(failure -> null))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(acknowledged).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Not every client acknowledged the end of training; they are closed with the application");
        }
    }
}
