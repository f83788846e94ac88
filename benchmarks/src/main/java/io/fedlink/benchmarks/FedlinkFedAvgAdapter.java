package io.fedlink.benchmarks;

import io.fedlink.coordinator.FedAvg;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;

/** Figure 4's "fedlink" aggregator: fedlink's own streaming {@code io.fedlink.coordinator.FedAvg}. */
final class FedlinkFedAvgAdapter implements Aggregator {

    /** fedlink's FedAvg is plugged in: figure 4 measures it, not the {@link RunningSumFedAvg} stand-in. */
    static final boolean AVAILABLE = true;

    private final FedAvg fedAvg = new FedAvg();

    @Override
    public void add(ClientMessage.FitRes result) {
        fedAvg.add("benchmark-client", result);
    }

    @Override
    public Parameters result() {
        return fedAvg.result();
    }
}
