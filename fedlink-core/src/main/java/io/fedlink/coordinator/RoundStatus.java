package io.fedlink.coordinator;

/** How a training round ended. */
public enum RoundStatus {

    /** Enough clients returned fit results; the global model was replaced by their average. */
    COMPLETED,

    /** Too few fit results (or no clients); the global model was left as it was. */
    FAILED
}
