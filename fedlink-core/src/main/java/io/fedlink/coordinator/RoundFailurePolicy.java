package io.fedlink.coordinator;

/** What {@link FederatedTraining} does after a round fails. */
public enum RoundFailurePolicy {

    /** Go on with the next round, from the unchanged global model. */
    CONTINUE,

    /** Stop training; {@link FederatedTraining#run()} returns with the failed round as the history's last. */
    STOP
}
