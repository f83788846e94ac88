package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import java.nio.FloatBuffer;

/**
 * A stand-in for fedlink's FedAvg until {@link FedlinkFedAvgAdapter} is plugged in: a weighted running sum, one
 * float per model value, updated as each result arrives, after which the result can be collected. The
 * aggregate is encoded one tensor at a time, each sum dropped once encoded, so the heap holds the sum and the
 * encoded aggregate together for one tensor only.
 */
final class RunningSumFedAvg implements Aggregator {

    private float[][] sums;
    private double totalWeight;

    @Override
    public synchronized void add(ClientMessage.FitRes result) {
        Parameters parameters = result.getParameters();
        if (sums == null) {
            sums = new float[parameters.getTensorsCount()][];
        }
        if (parameters.getTensorsCount() != sums.length) {
            throw new IllegalArgumentException("result has " + parameters.getTensorsCount() + " tensors, expected " + sums.length);
        }
        float weight = result.getNumExamples();
        for (int t = 0; t < sums.length; t++) {
            FloatBuffer values = NpyFloat32.floats(parameters.getTensors(t));
            if (sums[t] == null) {
                sums[t] = new float[values.remaining()];
            }
            float[] sum = sums[t];
            for (int i = 0; i < sum.length; i++) {
                sum[i] += weight * values.get(i);
            }
        }
        totalWeight += weight;
    }

    @Override
    public synchronized Parameters result() {
        if (sums == null) {
            throw new IllegalStateException("no result to aggregate");
        }
        Parameters.Builder aggregate = Parameters.newBuilder().setTensorType(Payloads.TENSOR_TYPE);
        float scale = (float) (1 / totalWeight);
        for (int t = 0; t < sums.length; t++) {
            float[] sum = sums[t];
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= scale;
            }
            aggregate.addTensors(NpyFloat32.of(sum));
            sums[t] = null;
        }
        return aggregate.build();
    }
}
