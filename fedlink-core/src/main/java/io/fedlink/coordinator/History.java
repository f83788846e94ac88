package io.fedlink.coordinator;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The records of the rounds played so far, in round order. Thread-safe: a monitoring thread may read it while
 * the round loop appends.
 */
public final class History {

    private final List<RoundRecord> rounds = new CopyOnWriteArrayList<>();

    /** An empty history. */
    public History() {
    }

    /**
     * A history holding these records.
     *
     * @throws IllegalArgumentException if round numbers do not increase
     */
    public History(List<RoundRecord> rounds) {
        rounds.forEach(this::add);
    }

    /** Appends a record; its round number must be above the last one's. */
    synchronized void add(RoundRecord record) {
        if (!rounds.isEmpty() && record.round() <= rounds.get(rounds.size() - 1).round()) {
            throw new IllegalArgumentException("round " + record.round() + " cannot follow round "
                    + rounds.get(rounds.size() - 1).round() + " in a history");
        }
        rounds.add(record);
    }

    /** A snapshot of the records; later rounds do not show in it. */
    public List<RoundRecord> rounds() {
        return List.copyOf(rounds);
    }

    /** The latest record, if any. */
    public Optional<RoundRecord> last() {
        List<RoundRecord> snapshot = rounds();
        return snapshot.isEmpty() ? Optional.empty() : Optional.of(snapshot.get(snapshot.size() - 1));
    }

    /** How many rounds are recorded. */
    public int size() {
        return rounds.size();
    }

    /** Whether no round is recorded. */
    public boolean isEmpty() {
        return rounds.isEmpty();
    }

    /** A copy that later rounds do not change. */
    public History snapshot() {
        return new History(rounds());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof History that && rounds().equals(that.rounds());
    }

    @Override
    public int hashCode() {
        return rounds().hashCode();
    }

    @Override
    public String toString() {
        return "History" + rounds();
    }
}
