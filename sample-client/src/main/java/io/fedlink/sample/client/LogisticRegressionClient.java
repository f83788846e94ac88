package io.fedlink.sample.client;

import io.fedlink.client.NumPyClient;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Trains and evaluates the coordinator's model on this client's partition; the data never leaves the client. Its
 * starting model (zeros: {@code sample.features} weights and a bias) is what a coordinator without a model of its own,
 * or a stock Flower server without {@code initial_parameters}, asks it for.
 */
@Component
class LogisticRegressionClient implements NumPyClient {

    private static final Logger log = LoggerFactory.getLogger(LogisticRegressionClient.class);

    private final PartitionProperties properties;
    private final SyntheticPartition data;

    LogisticRegressionClient(PartitionProperties properties) {
        this.properties = properties;
        this.data = SyntheticPartition.create(properties);
    }

    @Override
    public Map<String, ?> getProperties(Map<String, Object> config) {
        return Map.of("client_index", properties.getClientIndex(), "examples", data.trainY().length);
    }

    @Override
    public List<NdArray> getParameters(Map<String, Object> config) {
        log.info("get_parameters: giving the starting model ({} features and a bias, zeros)", properties.getFeatures());
        return List.of(NdArray.zeros(DType.FLOAT32, properties.getFeatures()), NdArray.zeros(DType.FLOAT32, 1));
    }

    @Override
    public FitResult fit(List<NdArray> parameters, Map<String, Object> config) {
        log.info("fit round {}: training on {} examples", config.getOrDefault("round", "?"), data.trainY().length);
        LogisticRegression model = model(parameters);
        pause(properties.getFitDelay());
        double learningRate = ((Number) config.getOrDefault("learning_rate", 0.05)).doubleValue();
        int epochs = ((Number) config.getOrDefault("local_epochs", 1)).intValue();
        double loss = model.train(data.trainX(), data.trainY(), epochs, learningRate, 32);
        log.info("fit: {} examples, {} epoch(s), train loss {}", data.trainY().length, epochs, String.format("%.4f", loss));
        return new FitResult(List.of(NdArray.of(model.weights()), NdArray.of(model.bias())), data.trainY().length,
                Map.of("train_loss", loss));
    }

    @Override
    public EvaluateResult evaluate(List<NdArray> parameters, Map<String, Object> config) {
        double[] lossAndAccuracy = model(parameters).evaluate(data.testX(), data.testY());
        log.info("evaluate: {} examples, loss {}, accuracy {}", data.testY().length,
                String.format("%.4f", lossAndAccuracy[0]), String.format("%.3f", lossAndAccuracy[1]));
        return new EvaluateResult(lossAndAccuracy[0], data.testY().length, Map.of("accuracy", lossAndAccuracy[1]));
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fit interrupted: the client is stopping", e);
        }
    }

    private LogisticRegression model(List<NdArray> arrays) {
        if (arrays.size() != 2 || arrays.get(0).size() != properties.getFeatures()) {
            throw new IllegalArgumentException("Expected weights of " + properties.getFeatures()
                    + " features and a bias, got " + arrays + " (check sample.features on every client)");
        }
        return new LogisticRegression(arrays.get(0).toFloatArray(), arrays.get(1).toFloatArray());
    }
}
