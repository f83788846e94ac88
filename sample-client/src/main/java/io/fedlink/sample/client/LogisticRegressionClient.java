package io.fedlink.sample.client;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.Status;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Trains and evaluates the coordinator's model on this client's partition; the data never leaves the client. */
@Component
class LogisticRegressionClient implements FederatedClient {

    private static final Logger log = LoggerFactory.getLogger(LogisticRegressionClient.class);
    private static final Status OK = Status.newBuilder().setCode(Code.OK).build();

    private final PartitionProperties properties;
    private final SyntheticPartition data;

    LogisticRegressionClient(PartitionProperties properties) {
        this.properties = properties;
        this.data = SyntheticPartition.create(properties);
    }

    @Override
    public GetPropertiesRes getProperties(GetPropertiesIns ins) {
        return GetPropertiesRes.newBuilder().setStatus(OK)
                .putProperties("client_index", Scalar.newBuilder().setSint64(properties.getClientIndex()).build())
                .putProperties("examples", Scalar.newBuilder().setSint64(data.trainY().length).build()).build();
    }

    @Override
    public FitRes fit(FitIns ins) {
        long round = ins.getConfigOrDefault("round", Scalar.getDefaultInstance()).getSint64();
        log.info("fit round {}: training on {} examples", round, data.trainY().length);
        LogisticRegression model = model(ins.getParameters());
        pause(properties.getFitDelay());
        double learningRate = ins.getConfigOrDefault("learning_rate", Scalar.newBuilder().setDouble(0.05).build()).getDouble();
        int epochs = (int) ins.getConfigOrDefault("local_epochs", Scalar.newBuilder().setSint64(1).build()).getSint64();
        double loss = model.train(data.trainX(), data.trainY(), epochs, learningRate, 32);
        log.info("fit: {} examples, {} epoch(s), train loss {}", data.trainY().length, epochs, String.format("%.4f", loss));
        return FitRes.newBuilder().setStatus(OK)
                .setParameters(ParametersCodec.encode(NdArray.of(model.weights()), NdArray.of(model.bias())))
                .setNumExamples(data.trainY().length)
                .putMetrics("train_loss", Scalar.newBuilder().setDouble(loss).build()).build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        double[] lossAndAccuracy = model(ins.getParameters()).evaluate(data.testX(), data.testY());
        log.info("evaluate: {} examples, loss {}, accuracy {}", data.testY().length,
                String.format("%.4f", lossAndAccuracy[0]), String.format("%.3f", lossAndAccuracy[1]));
        return EvaluateRes.newBuilder().setStatus(OK).setLoss((float) lossAndAccuracy[0])
                .setNumExamples(data.testY().length)
                .putAllMetrics(Map.of("accuracy", Scalar.newBuilder().setDouble(lossAndAccuracy[1]).build())).build();
    }

    private static void pause(java.time.Duration delay) {
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

    private LogisticRegression model(Parameters parameters) {
        List<NdArray> arrays = ParametersCodec.decode(parameters);
        if (arrays.size() != 2 || arrays.get(0).size() != properties.getFeatures()) {
            throw new IllegalArgumentException("Expected weights of " + properties.getFeatures()
                    + " features and a bias, got " + arrays + " (check sample.features on both sides)");
        }
        return new LogisticRegression(arrays.get(0).toFloatArray(), arrays.get(1).toFloatArray());
    }
}
