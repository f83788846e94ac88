package io.fedlink.coordinator;

import io.fedlink.strategy.Evaluation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Round records for tests, with the awkward values a history must survive. */
final class Histories {

    private Histories() {
    }

    static RoundRecord completed(int round) {
        return new RoundRecord(round, RoundStatus.COMPLETED, 4, 3, 3, 3,
                List.of(new FailureRecord("c-" + round, FailureRecord.Phase.FIT, "ClientReplyTimeoutException",
                        "Client c-" + round + " did not reply to fit_ins within PT10S\nsecond line = with: colon, ünïcødé")),
                0.5 / round, Map.of("accuracy", 0.8 + round / 100.0, "odd.name with spaces", -1e-12),
                Map.of("train_loss", 1.0 / round), Duration.ofMillis(1234L * round), "",
                round % 2 == 0 ? new Evaluation(0.1 * round, Map.of("central accuracy", 0.9)) : Evaluation.none());
    }

    static RoundRecord failed(int round) {
        return new RoundRecord(round, RoundStatus.FAILED, 2, 0, 0, 0,
                List.of(new FailureRecord("x", FailureRecord.Phase.FIT, "ClientStatusException", "status FIT_NOT_IMPLEMENTED")),
                Double.NaN, Map.of(), Map.of(), Duration.ofMillis(5), "0 of 2 clients returned a usable fit result");
    }

    static History upTo(int rounds) {
        List<RoundRecord> records = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            records.add(r % 3 == 0 ? failed(r) : completed(r));
        }
        return new History(records);
    }
}
