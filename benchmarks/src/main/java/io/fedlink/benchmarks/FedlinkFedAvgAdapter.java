package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;

/**
 * PLUG-IN POINT for fedlink's own FedAvg ({@code io.fedlink.coordinator.FedAvg}), written in parallel with this
 * module. After merging, make {@link #AVAILABLE} {@code true} and forward to it, for example:
 *
 * <pre>{@code
 * private final io.fedlink.coordinator.FedAvg fedAvg = new io.fedlink.coordinator.FedAvg();
 * public void add(ClientMessage.FitRes result) { fedAvg.add("benchmark-client", result); }
 * public Parameters result() { return fedAvg.result(); }
 * }</pre>
 *
 * Figure 4's "fedlink" column then measures fedlink's FedAvg instead of the {@link RunningSumFedAvg} stand-in, with
 * no other change.
 */
final class FedlinkFedAvgAdapter implements Aggregator {

    /** Whether fedlink's FedAvg is plugged in; while {@code false}, figure 4 reports the stand-in, labelled as such. */
    static final boolean AVAILABLE = false;

    @Override
    public void add(ClientMessage.FitRes result) {
        throw new UnsupportedOperationException("fedlink's FedAvg is not plugged into FedlinkFedAvgAdapter yet");
    }

    @Override
    public Parameters result() {
        throw new UnsupportedOperationException("fedlink's FedAvg is not plugged into FedlinkFedAvgAdapter yet");
    }
}
