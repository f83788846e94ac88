package io.fedlink.coordinator;

import io.fedlink.server.ClientProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the current training is doing, for dashboards and endpoints: the rounds that ended and the one in progress.
 * Thread-safe; reads return snapshots.
 */
public class TrainingProgress implements RoundListener {

    /** The round in progress: its number and how many clients it asked. */
    public record CurrentRound(int round, int clientsAsked) {
    }

    private final List<RoundRecord> rounds = new ArrayList<>();
    private CurrentRound current;

    @Override
    public synchronized void roundStarted(int round, List<ClientProxy> clientsAsked) {
        current = new CurrentRound(round, clientsAsked.size());
    }

    @Override
    public synchronized void roundCompleted(RoundRecord record) {
        rounds.add(record);
        current = null;
    }

    @Override
    public synchronized void roundFailed(RoundRecord record) {
        roundCompleted(record);
    }

    /** The rounds that ended, oldest first. */
    public synchronized List<RoundRecord> rounds() {
        return List.copyOf(rounds);
    }

    /** The round in progress, if any. */
    public synchronized Optional<CurrentRound> current() {
        return Optional.ofNullable(current);
    }
}
