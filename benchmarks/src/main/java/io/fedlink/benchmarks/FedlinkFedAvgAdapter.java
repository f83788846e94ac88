package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.strategy.aggregate.WeightedMean;

/** Figure 4's "fedlink" aggregator: fedlink's streaming weighted mean ({@code io.fedlink.strategy.aggregate.WeightedMean}), FedAvg's accumulator. */
final class FedlinkFedAvgAdapter implements Aggregator {

    /** fedlink's FedAvg is plugged in: figure 4 measures it, not the {@link RunningSumFedAvg} stand-in. */
    static final boolean AVAILABLE = true;

    private final WeightedMean mean = new WeightedMean();

    @Override
    public void add(ClientMessage.FitRes result) {
        mean.add("benchmark-client", result.getParameters(), result.getNumExamples());
    }

    @Override
    public Parameters result() {
        return mean.result();
    }
}
