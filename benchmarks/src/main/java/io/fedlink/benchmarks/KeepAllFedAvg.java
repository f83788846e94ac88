package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.wire.InPlaceParser;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The naive baseline: keep every result, average at the end (what Flower's FedAvg does, minus its extra
 * decoded copy of every update). Needs all updates on the heap at once: each is copied there, as any aggregator
 * that keeps updates past {@link #add} must (fedlink reads a large reply in place until its handler returns).
 */
final class KeepAllFedAvg implements Aggregator {

    private final List<ClientMessage.FitRes> kept = new ArrayList<>();

    @Override
    public synchronized void add(ClientMessage.FitRes result) {
        // A reply read in place is valid only until its handler returns: what is kept must be copied onto the heap.
        kept.add(InPlaceParser.copyOnHeap(result));
    }

    @Override
    public synchronized Parameters result() {
        if (kept.isEmpty()) {
            throw new IllegalStateException("no result to aggregate");
        }
        Parameters.Builder aggregate = Parameters.newBuilder().setTensorType(Payloads.TENSOR_TYPE);
        int tensors = kept.get(0).getParameters().getTensorsCount();
        double totalWeight = 0;
        for (ClientMessage.FitRes result : kept) {
            totalWeight += result.getNumExamples();
        }
        for (int t = 0; t < tensors; t++) {
            float[] sum = null;
            for (ClientMessage.FitRes result : kept) {
                FloatBuffer values = NpyFloat32.floats(result.getParameters().getTensors(t));
                if (sum == null) {
                    sum = new float[values.remaining()];
                }
                float weight = (float) (result.getNumExamples() / totalWeight);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += weight * values.get(i);
                }
            }
            aggregate.addTensors(NpyFloat32.of(sum));
        }
        return aggregate.build();
    }
}
