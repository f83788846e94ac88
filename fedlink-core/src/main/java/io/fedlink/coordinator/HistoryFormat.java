package io.fedlink.coordinator;

import io.fedlink.strategy.Evaluation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A {@link History} as a Java properties file (so any properties reader can inspect it), keys sorted:
 *
 * <pre>
 * format=fedlink-history-1
 * rounds=1,2,3
 * round.000001.status=COMPLETED            # or FAILED
 * round.000001.clients_asked=4
 * round.000001.fit_replies=4
 * round.000001.evaluate_asked=4
 * round.000001.evaluate_replies=4
 * round.000001.loss=0.412                  # Double.toString; NaN when not evaluated
 * round.000001.duration=PT1.2S             # ISO-8601
 * round.000001.failure_reason=             # empty when completed
 * round.000001.failures=1
 * round.000001.failure.0.client=3f1c...
 * round.000001.failure.0.phase=FIT         # or EVALUATE
 * round.000001.failure.0.error=ClientReplyTimeoutException
 * round.000001.failure.0.message=Client 3f1c... did not reply to fit_ins within PT10S
 * round.000001.metric.accuracy=0.871       # evaluation metrics
 * round.000001.fit_metric.train_loss=0.5   # fit metrics
 * round.000001.centralized_loss=0.3        # only with centralized evaluation
 * round.000001.centralized_metric.accuracy=0.9
 * </pre>
 */
final class HistoryFormat {

    static final String FORMAT = "fedlink-history-1";

    private HistoryFormat() {
    }

    static byte[] write(History history) {
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT);
        List<RoundRecord> rounds = history.rounds();
        properties.setProperty("rounds", rounds.stream().map(r -> Integer.toString(r.round())).collect(Collectors.joining(",")));
        for (RoundRecord record : rounds) {
            String p = prefix(record.round());
            properties.setProperty(p + "status", record.status().name());
            properties.setProperty(p + "clients_asked", Integer.toString(record.clientsAsked()));
            properties.setProperty(p + "fit_replies", Integer.toString(record.fitReplies()));
            properties.setProperty(p + "evaluate_asked", Integer.toString(record.evaluateAsked()));
            properties.setProperty(p + "evaluate_replies", Integer.toString(record.evaluateReplies()));
            properties.setProperty(p + "loss", Double.toString(record.loss()));
            properties.setProperty(p + "duration", record.duration().toString());
            properties.setProperty(p + "failure_reason", record.failureReason());
            properties.setProperty(p + "failures", Integer.toString(record.failures().size()));
            for (int k = 0; k < record.failures().size(); k++) {
                FailureRecord failure = record.failures().get(k);
                String f = p + "failure." + k + ".";
                properties.setProperty(f + "client", failure.clientId());
                properties.setProperty(f + "phase", failure.phase().name());
                properties.setProperty(f + "error", failure.error());
                properties.setProperty(f + "message", failure.message());
            }
            record.metrics().forEach((name, value) -> properties.setProperty(p + "metric." + name, Double.toString(value)));
            record.fitMetrics().forEach((name, value) -> properties.setProperty(p + "fit_metric." + name, Double.toString(value)));
            if (!Double.isNaN(record.centralized().loss())) {
                properties.setProperty(p + "centralized_loss", Double.toString(record.centralized().loss()));
            }
            record.centralized().metrics().forEach((name, value) ->
                    properties.setProperty(p + "centralized_metric." + name, Double.toString(value)));
        }
        StringWriter text = new StringWriter();
        try {
            properties.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Properties.store escapes line breaks, so every entry is one line: sort them and drop the date comment.
        String sorted = text.toString().lines().filter(line -> !line.startsWith("#")).sorted()
                .collect(Collectors.joining("\n", "", "\n"));
        return sorted.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a history in this format
     */
    static History read(byte[] bytes) {
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(bytes));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("history is not a readable properties file: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(properties.getProperty("format"))) {
            throw new IllegalArgumentException("history format is '" + properties.getProperty("format") + "', expected " + FORMAT);
        }
        String list = required(properties, "rounds");
        List<RoundRecord> records = new ArrayList<>();
        for (String round : list.isEmpty() ? new String[0] : list.split(",")) {
            records.add(readRound(properties, Integer.parseInt(round.strip())));
        }
        return new History(records);
    }

    private static RoundRecord readRound(Properties properties, int round) {
        String p = prefix(round);
        int failureCount = integer(properties, p + "failures");
        List<FailureRecord> failures = new ArrayList<>(failureCount);
        for (int k = 0; k < failureCount; k++) {
            String f = p + "failure." + k + ".";
            failures.add(new FailureRecord(required(properties, f + "client"),
                    FailureRecord.Phase.valueOf(required(properties, f + "phase")),
                    required(properties, f + "error"), required(properties, f + "message")));
        }
        Duration duration;
        try {
            duration = Duration.parse(required(properties, p + "duration"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("history key " + p + "duration is not an ISO-8601 duration", e);
        }
        return new RoundRecord(round, RoundStatus.valueOf(required(properties, p + "status")),
                integer(properties, p + "clients_asked"), integer(properties, p + "fit_replies"),
                integer(properties, p + "evaluate_asked"), integer(properties, p + "evaluate_replies"),
                failures, Double.parseDouble(required(properties, p + "loss")),
                doubles(properties, p + "metric."), doubles(properties, p + "fit_metric."),
                duration, required(properties, p + "failure_reason"),
                new Evaluation(Double.parseDouble(properties.getProperty(p + "centralized_loss", "NaN")),
                        doubles(properties, p + "centralized_metric.")));
    }

    private static String prefix(int round) {
        return String.format(Locale.ROOT, "round.%06d.", round);
    }

    private static Map<String, Double> doubles(Properties properties, String prefix) {
        Map<String, Double> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length()), Double.parseDouble(properties.getProperty(key)));
            }
        }
        return values;
    }

    private static int integer(Properties properties, String key) {
        return Integer.parseInt(required(properties, key));
    }

    private static String required(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("history has no key " + key);
        }
        return value;
    }
}
