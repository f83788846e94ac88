package io.fedlink.sample.client;

import java.util.Random;

/**
 * A non-IID partition of a synthetic binary classification task. Every client shares the true model (from the
 * common seed); each client's features are shifted along its own direction, so label balance and feature
 * distribution differ per client.
 *
 * @param trainX training features, one row per example
 * @param trainY training labels, 0 or 1
 * @param testX  held-out features
 * @param testY  held-out labels
 */
record SyntheticPartition(float[][] trainX, float[] trainY, float[][] testX, float[] testY) {

    static SyntheticPartition create(PartitionProperties properties) {
        int d = properties.getFeatures();
        Random shared = new Random(properties.getSeed());
        double[] trueWeights = new double[d];
        for (int j = 0; j < d; j++) {
            trueWeights[j] = shared.nextGaussian();
        }
        double trueBias = 0.5 * shared.nextGaussian();
        Random local = new Random(properties.getSeed() * 31 + properties.getClientIndex() + 1);
        double[] shift = new double[d];
        double centre = properties.getClientIndex() - (properties.getNumClients() - 1) / 2.0;
        for (int j = 0; j < d; j++) {
            shift[j] = 0.6 * centre * local.nextGaussian() / Math.sqrt(d);
        }
        int n = properties.getExamples();
        int test = Math.max(50, n / 4);
        float[][] x = new float[n + test][d];
        float[] y = new float[n + test];
        for (int i = 0; i < n + test; i++) {
            double logit = trueBias;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (local.nextGaussian() + shift[j] * 3);
                logit += trueWeights[j] * x[i][j];
            }
            double noisy = logit + 0.5 * local.nextGaussian();
            y[i] = noisy > 0 ? 1f : 0f;
        }
        return new SyntheticPartition(java.util.Arrays.copyOfRange(x, 0, n), java.util.Arrays.copyOfRange(y, 0, n),
                java.util.Arrays.copyOfRange(x, n, n + test), java.util.Arrays.copyOfRange(y, n, n + test));
    }
}
