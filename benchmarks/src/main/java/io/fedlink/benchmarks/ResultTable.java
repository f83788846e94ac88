package io.fedlink.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats result rows as a plain-text table (also valid Markdown) a person can read in a terminal. */
final class ResultTable {

    private static final String[] HEADER = {"figure", "setting", "metric", "fedlink", "baseline", "ratio", "target", "met?"};

    private ResultTable() {
    }

    /** The rows as a Markdown table with aligned columns; notes follow the table, numbered. */
    static String format(List<ResultRow> rows) {
        List<String[]> cells = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ResultRow row : rows) {
            String metric = row.metric();
            if (row.note() != null && !row.note().isBlank()) {
                notes.add(row.note());
                metric = metric + " [" + notes.size() + "]";
            }
            String baseline = row.baseline() == null ? (row.baselineName() == null ? "" : row.baselineName() + " n/a")
                    : number(row.baseline()) + " (" + row.baselineName() + ")";
            cells.add(new String[] {row.figure(), row.setting(), metric, row.fedlink() == null ? "n/a" : number(row.fedlink()),
                    baseline, row.ratio() == null ? "" : number(row.ratio()), row.target() == null ? "" : row.target(),
                    row.met() == null ? "" : (row.met() ? "yes" : "NO")});
        }
        int[] widths = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            widths[c] = HEADER[c].length();
            for (String[] line : cells) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, HEADER, widths);
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            rule[c] = "-".repeat(widths[c]);
        }
        line(out, rule, widths);
        for (String[] line : cells) {
            line(out, line, widths);
        }
        for (int i = 0; i < notes.size(); i++) {
            out.append('\n').append('[').append(i + 1).append("] ").append(notes.get(i));
        }
        if (!notes.isEmpty()) {
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * A number with about three significant digits: {@code 12,346}, {@code 45.7}, {@code 1.23}, {@code 0.0123}.
     */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1 || magnitude == 0) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        out.append('|');
        for (int c = 0; c < cells.length; c++) {
            out.append(' ').append(cells[c]).append(" ".repeat(widths[c] - cells[c].length())).append(" |");
        }
        out.append('\n');
    }
}
