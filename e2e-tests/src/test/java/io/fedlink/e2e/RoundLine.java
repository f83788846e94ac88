package io.fedlink.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A coordinator's per-round log line: "round 2/5: replies 3/3, failures 0, loss 0.434, accuracy 0.896, 0.1 s", or
 * without loss and accuracy (NaN here) when the round had no federated evaluation.
 */
record RoundLine(int round, int rounds, int replies, int asked, int failures, double loss, double accuracy) {

    private static final Pattern PATTERN = Pattern.compile(
            "round (\\d+)/(\\d+): replies (\\d+)/(\\d+), failures (\\d+)(?:, loss ([0-9.naN]+), accuracy ([0-9.naN]+))?");

    static List<RoundLine> parse(List<String> lines) {
        List<RoundLine> rounds = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PATTERN.matcher(line);
            if (m.find()) {
                rounds.add(new RoundLine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        number(m.group(6)), number(m.group(7))));
            }
        }
        return rounds;
    }

    private static double number(String text) {
        return text == null || text.equalsIgnoreCase("nan") || text.equals("n/a") ? Double.NaN : Double.parseDouble(text);
    }
}
