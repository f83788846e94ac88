package io.fedlink.sample.server;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A small logistic-regression client for tests: 200 synthetic examples drawn around a fixed true model, one pass of
 * gradient descent per fit. Each fit first waits for its turn at the {@link RoundGate} and then sleeps
 * {@code fitDelay}, so a test decides how far training gets and rounds take a visible moment.
 */
final class PacedLogisticClient implements FederatedClient {

    private static final int EXAMPLES = 200;
    /** Weights of the model (and a bias): what this client gives as the initial model. */
    static final int FEATURES = 20;

    private final int index;
    private final RoundGate gate;
    private final Duration fitDelay;
    private final float[][] x;
    private final float[] y;
    private int fits;

    PacedLogisticClient(int index, int features, RoundGate gate, Duration fitDelay) {
        this.index = index;
        this.gate = gate;
        this.fitDelay = fitDelay;
        Random truth = new Random(42);
        double[] trueWeights = new double[features];
        for (int j = 0; j < features; j++) {
            trueWeights[j] = truth.nextGaussian();
        }
        Random data = new Random(1000 + index);
        x = new float[EXAMPLES][features];
        y = new float[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            double z = data.nextGaussian() * 0.5;
            for (int j = 0; j < features; j++) {
                x[i][j] = (float) data.nextGaussian();
                z += trueWeights[j] * x[i][j];
            }
            y[i] = z > 0 ? 1f : 0f;
        }
    }

    /** The starting model a coordinator without one asks for: zeros. */
    @Override
    public GetParametersRes getParameters(GetParametersIns ins) {
        return GetParametersRes.newBuilder().setParameters(ParametersCodec.encode(
                NdArray.zeros(DType.FLOAT32, x[0].length), NdArray.zeros(DType.FLOAT32, 1))).build();
    }

    @Override
    public FitRes fit(FitIns ins) {
        try {
            gate.awaitTurn(index, ++fits);
            Thread.sleep(fitDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("client " + index + " was stopped while fitting", e);
        }
        double rate = ins.getConfigOrDefault("learning_rate", Scalar.newBuilder().setDouble(0.1).build()).getDouble();
        float[][] model = decode(ins.getParameters());
        float[] w = model[0];
        float[] b = model[1];
        double[] gradient = new double[w.length];
        double gradientBias = 0;
        for (int i = 0; i < EXAMPLES; i++) {
            double error = probability(w, b, x[i]) - y[i];
            for (int j = 0; j < w.length; j++) {
                gradient[j] += error * x[i][j];
            }
            gradientBias += error;
        }
        for (int j = 0; j < w.length; j++) {
            w[j] -= (float) (rate * gradient[j] / EXAMPLES);
        }
        b[0] -= (float) (rate * gradientBias / EXAMPLES);
        return FitRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(w), NdArray.of(b)))
                .setNumExamples(EXAMPLES).build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        float[][] model = decode(ins.getParameters());
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < EXAMPLES; i++) {
            double p = Math.min(1 - 1e-7, Math.max(1e-7, probability(model[0], model[1], x[i])));
            loss += y[i] > 0.5f ? -Math.log(p) : -Math.log(1 - p);
            correct += (p >= 0.5) == (y[i] > 0.5f) ? 1 : 0;
        }
        return EvaluateRes.newBuilder().setLoss((float) (loss / EXAMPLES)).setNumExamples(EXAMPLES)
                .putMetrics("accuracy", Scalar.newBuilder().setDouble((double) correct / EXAMPLES).build()).build();
    }

    private static float[][] decode(Parameters parameters) {
        List<NdArray> arrays = ParametersCodec.decode(parameters);
        return new float[][] {arrays.get(0).toFloatArray(), arrays.get(1).toFloatArray()};
    }

    private static double probability(float[] w, float[] b, float[] row) {
        double z = b[0];
        for (int j = 0; j < w.length; j++) {
            z += w[j] * row[j];
        }
        return 1 / (1 + Math.exp(-z));
    }
}
