package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTableTests {

    @Test
    void numbersKeepAboutThreeSignificantDigits() {
        assertThat(ResultTable.number(12345.6)).isEqualTo("12,346");
        assertThat(ResultTable.number(45.67)).isEqualTo("45.7");
        assertThat(ResultTable.number(1.234)).isEqualTo("1.23");
        assertThat(ResultTable.number(0.012345)).isEqualTo("0.0123");
        assertThat(ResultTable.number(0)).isEqualTo("0.00");
    }

    @Test
    void rowsLineUpUnderTheHeaderWithTheirNotesNumberedBelow() {
        List<ResultRow> rows = List.of(
                new ResultRow("1 round trip", "K=16", "rounds/s", 900.0, "raw", 1000.0, 0.9, "ratio >= 0.8", true, null),
                new ResultRow("3 scale", "N=10,000", "heap KiB/client", 60.0, "raw", 30.0, 2.0, "<= 50 KiB", false,
                        "netty buffers"),
                new ResultRow("2 transfer", "64 MiB", "GB/s vs raw", null, "raw", null, null, "ratio >= 0.8", null,
                        "did not run"));

        String table = ResultTable.format(rows);

        String[] lines = table.split("\n");
        assertThat(lines[0]).startsWith("| figure ").contains("| fedlink ").contains("| met? |");
        assertThat(lines[1]).matches("\\|( -+ \\|)+");
        assertThat(lines[2]).contains("| 900 ").contains("| 1,000 (raw) ").contains("| 0.900 ").contains("| yes ");
        assertThat(lines[3]).contains("heap KiB/client [1]").contains("| NO ");
        assertThat(lines[4]).contains("GB/s vs raw [2]").contains("| n/a ").contains("| raw n/a ");
        assertThat(lines[0].length()).isEqualTo(lines[2].length()).isEqualTo(lines[3].length()).isEqualTo(lines[4].length());
        assertThat(table).contains("\n[1] netty buffers\n[2] did not run\n");
    }

    @Test
    void rowJsonNamesEveryColumn() {
        ResultRow row = new ResultRow("4 aggregation", "32 x 64 MiB", "peak heap / model", 3.5, "keep-all", 34.0,
                3.5 / 34, "<= 4x model", true, null);
        assertThat(row.toJson()).containsKeys("figure", "setting", "metric", "fedlink", "baseline_name", "baseline", "ratio",
                "target", "met", "note");
        assertThat(ResultRow.ratio(1.0, 0.0)).isNull();
        assertThat(ResultRow.ratio(null, 2.0)).isNull();
        assertThat(ResultRow.ratio(1.0, 4.0)).isEqualTo(0.25);
    }
}
