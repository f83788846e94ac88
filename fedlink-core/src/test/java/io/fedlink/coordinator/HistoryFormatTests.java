package io.fedlink.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HistoryFormatTests {

    @Test
    void readsBackEveryFieldIncludingNaNLossesAndAwkwardStrings() {
        History history = Histories.upTo(4);

        History back = HistoryFormat.read(HistoryFormat.write(history));

        assertThat(back).isEqualTo(history);
        assertThat(back.rounds().get(2).loss()).isNaN();
        assertThat(back.rounds().get(0).failures().get(0).message()).contains("\nsecond line = with: colon, ünïcødé");
        assertThat(back.rounds().get(1).centralized().loss()).isEqualTo(0.2);
        assertThat(back.rounds().get(1).centralized().metrics()).containsExactly(java.util.Map.entry("central accuracy", 0.9));
        assertThat(back.rounds().get(0).centralized().loss()).as("none written, none read").isNaN();
    }

    @Test
    void writesSortedHumanReadableProperties() {
        String text = new String(HistoryFormat.write(Histories.upTo(1)), StandardCharsets.ISO_8859_1);

        assertThat(text).startsWith("format=fedlink-history-1\nround.000001.clients_asked=4\n")
                .contains("round.000001.metric.accuracy=0.81\n").contains("round.000001.duration=PT1.234S\n")
                .endsWith("rounds=1\n").doesNotContain("#");
    }

    @Test
    void readsAnEmptyHistory() {
        assertThat(HistoryFormat.read(HistoryFormat.write(new History())).isEmpty()).isTrue();
    }

    @Test
    void rejectsOtherFormatsAndMissingKeys() {
        assertThatThrownBy(() -> HistoryFormat.read("format=other\n".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected fedlink-history-1");
        assertThatThrownBy(() -> HistoryFormat.read("format=fedlink-history-1\nrounds=1\n".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("history has no key round.000001.failures");
    }
}
