package io.fedlink.coordinator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Histories for tests that store and restore them: one completed record per round, each telling its round apart. */
final class CompletedRounds {

    private CompletedRounds() {
    }

    /** The history after round {@code rounds}. */
    static History upTo(int rounds) {
        List<RoundRecord> records = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            records.add(new RoundRecord(r, RoundStatus.COMPLETED, 2, 2, 2, 2, List.of(), 0.5 / r,
                    Map.of("accuracy", r / 100.0), Map.of(), Duration.ofMillis(r), ""));
        }
        return new History(records);
    }
}
