package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;

/**
 * What figure 4 measures: an aggregation that takes fit results one at a time as they arrive and returns the
 * aggregated parameters. Implementations must be safe to call {@link #add} from several gRPC threads at once.
 */
interface Aggregator {

    /** Folds in (or keeps) one client's result; called on the gRPC thread that delivered it. */
    void add(ClientMessage.FitRes result);

    /** The aggregate of everything added; called once, after the last {@link #add}. */
    Parameters result();
}
