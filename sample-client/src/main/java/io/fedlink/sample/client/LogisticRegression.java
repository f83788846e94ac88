package io.fedlink.sample.client;

/** Binary logistic regression: plain loops, trained with mini-batch gradient descent. */
final class LogisticRegression {

    private final float[] weights;
    private final float[] bias;

    LogisticRegression(float[] weights, float[] bias) {
        this.weights = weights.clone();
        this.bias = bias.clone();
    }

    float[] weights() {
        return weights.clone();
    }

    float[] bias() {
        return bias.clone();
    }

    /** Runs {@code epochs} passes of mini-batch gradient descent; returns the mean training loss of the last pass. */
    double train(float[][] x, float[] y, int epochs, double learningRate, int batchSize) {
        double loss = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            loss = 0;
            for (int start = 0; start < x.length; start += batchSize) {
                int end = Math.min(x.length, start + batchSize);
                double[] gradient = new double[weights.length];
                double gradientBias = 0;
                for (int i = start; i < end; i++) {
                    double p = probability(x[i]);
                    double error = p - y[i];
                    loss += logLoss(p, y[i]);
                    for (int j = 0; j < weights.length; j++) {
                        gradient[j] += error * x[i][j];
                    }
                    gradientBias += error;
                }
                double scale = learningRate / (end - start);
                for (int j = 0; j < weights.length; j++) {
                    weights[j] -= (float) (scale * gradient[j]);
                }
                bias[0] -= (float) (scale * gradientBias);
            }
            loss /= x.length;
        }
        return loss;
    }

    /** Mean log loss and accuracy on {@code x, y}. */
    double[] evaluate(float[][] x, float[] y) {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            double p = probability(x[i]);
            loss += logLoss(p, y[i]);
            if ((p >= 0.5 ? 1f : 0f) == y[i]) {
                correct++;
            }
        }
        return new double[] {loss / x.length, (double) correct / x.length};
    }

    private double probability(float[] row) {
        double z = bias[0];
        for (int j = 0; j < weights.length; j++) {
            z += weights[j] * row[j];
        }
        return 1 / (1 + Math.exp(-z));
    }

    private static double logLoss(double p, float label) {
        double clipped = Math.min(1 - 1e-7, Math.max(1e-7, p));
        return label > 0.5f ? -Math.log(clipped) : -Math.log(1 - clipped);
    }
}
