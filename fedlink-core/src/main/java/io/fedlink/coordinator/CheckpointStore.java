package io.fedlink.coordinator;

import java.util.Optional;

/** Where {@link FederatedTraining} saves its state after every round and finds it again on restart. */
public interface CheckpointStore {

    /**
     * Saves a checkpoint so that it is either entirely visible to {@link #loadLatest()} or not at all, even if
     * the process dies midway. Blocks until the checkpoint is durable.
     *
     * @throws CheckpointException if it cannot be written
     */
    void save(Checkpoint checkpoint);

    /** The checkpoint of the highest round that is complete and readable; unreadable ones are skipped. */
    Optional<Checkpoint> loadLatest();
}
