package io.fedlink.relay;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.Scalar;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;
import java.util.Random;

/**
 * A deterministic client: linear regression on its own seeded data (its size differs per client, so the weighting
 * matters), three full-batch gradient steps per fit, mean squared error as its evaluation loss and mean absolute error
 * as a metric. The same seed gives the same client whoever it is connected to.
 */
final class LinearTrainer implements FederatedClient {

    static final int FEATURES = 5;
    private static final double LEARNING_RATE = 0.1;
    private static final int STEPS = 3;

    private final double[][] x;
    private final double[] y;

    LinearTrainer(int seed) {
        Random random = new Random(seed);
        int examples = 20 + 7 * seed;
        x = new double[examples][FEATURES];
        y = new double[examples];
        for (int i = 0; i < examples; i++) {
            double target = 0.5;
            for (int f = 0; f < FEATURES; f++) {
                x[i][f] = random.nextGaussian();
                target += (f + 1) * 0.3 * x[i][f];
            }
            y[i] = target + 0.1 * random.nextGaussian() + 0.2 * (seed % 3);
        }
    }

    /** The initial model: zero weights and bias. */
    static List<NdArray> initialModel() {
        return List.of(NdArray.of(new float[FEATURES], FEATURES), NdArray.of(new float[1], 1));
    }

    @Override
    public FitRes fit(FitIns ins) {
        List<NdArray> model = ParametersCodec.decode(ins.getParameters());
        double[] w = model.get(0).toDoubleArray();
        double b = model.get(1).getDouble(0);
        for (int step = 0; step < STEPS; step++) {
            double[] gradW = new double[FEATURES];
            double gradB = 0;
            for (int i = 0; i < y.length; i++) {
                double error = predict(w, b, i) - y[i];
                for (int f = 0; f < FEATURES; f++) {
                    gradW[f] += 2 * error * x[i][f] / y.length;
                }
                gradB += 2 * error / y.length;
            }
            for (int f = 0; f < FEATURES; f++) {
                w[f] -= LEARNING_RATE * gradW[f];
            }
            b -= LEARNING_RATE * gradB;
        }
        float[] weights = new float[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            weights[f] = (float) w[f];
        }
        return FitRes.newBuilder()
                .setParameters(ParametersCodec.encode(NdArray.of(weights, FEATURES), NdArray.of(new float[] {(float) b}, 1)))
                .setNumExamples(y.length)
                .putMetrics("train_loss", Scalar.newBuilder().setDouble(loss(w, b)).build())
                .build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        List<NdArray> model = ParametersCodec.decode(ins.getParameters());
        double[] w = model.get(0).toDoubleArray();
        double b = model.get(1).getDouble(0);
        double absolute = 0;
        for (int i = 0; i < y.length; i++) {
            absolute += Math.abs(predict(w, b, i) - y[i]);
        }
        return EvaluateRes.newBuilder().setLoss((float) loss(w, b)).setNumExamples(y.length)
                .putMetrics("mae", Scalar.newBuilder().setDouble(absolute / y.length).build())
                .build();
    }

    private double loss(double[] w, double b) {
        double squared = 0;
        for (int i = 0; i < y.length; i++) {
            double error = predict(w, b, i) - y[i];
            squared += error * error;
        }
        return squared / y.length;
    }

    private double predict(double[] w, double b, int i) {
        double value = b;
        for (int f = 0; f < FEATURES; f++) {
            value += w[f] * x[i][f];
        }
        return value;
    }
}
