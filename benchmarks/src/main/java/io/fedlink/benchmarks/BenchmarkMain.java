package io.fedlink.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark driver ({@code scripts/benchmark.sh} runs it): starts coordinator and client-fleet JVMs for each
 * figure, prints the table, and writes it as JSON to {@code benchmarks/results/<mode>-<timestamp>.json} and
 * {@code latest-<mode>.json}.
 *
 * <p>Options: {@code --quick} (small sizes, seconds per figure) or {@code --full} (the default),
 * {@code --only=1,3} (figures to run), {@code --set=name=value} (replace one setting of {@link BenchmarkPlan}, after
 * the mode; repeatable), {@code --results=DIR}, {@code --logs=DIR}. Exits 0 when every figure ran
 * (whether or not its target was met), 1 when one could not run, 2 on bad options.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        BenchmarkPlan plan = BenchmarkPlan.full();
        Set<String> figures = new LinkedHashSet<>(List.of("1", "2", "3", "4", "5", "6", "7", "8"));
        Path results = Path.of("benchmarks", "results");
        Path logs = null;
        List<String> settings = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--set=")) {
                settings.add(arg.substring("--set=".length()));
            } else if (arg.equals("--quick")) {
                plan = BenchmarkPlan.quick();
            } else if (arg.equals("--full")) {
                plan = BenchmarkPlan.full();
            } else if (arg.startsWith("--only=")) {
                figures = new LinkedHashSet<>(List.of(arg.substring("--only=".length()).split(",")));
            } else if (arg.startsWith("--results=")) {
                results = Path.of(arg.substring("--results=".length()));
            } else if (arg.startsWith("--logs=")) {
                logs = Path.of(arg.substring("--logs=".length()));
            } else {
                System.err.println("unknown option " + arg
                        + "; use --quick | --full, --only=1,2,3,4,5,6,7,8, --set=name=value, --results=DIR, --logs=DIR");
                System.exit(2);
            }
        }
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            try {
                if (eq < 0) {
                    throw new IllegalArgumentException("--set needs name=value, got " + setting);
                }
                plan = plan.with(setting.substring(0, eq), setting.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.exit(2);
            }
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (logs == null) {
            logs = Path.of("benchmarks", "target", "benchmark-logs", plan.mode() + "-" + stamp);
        }
        Launcher launcher = new Launcher(logs);
        Map<String, Object> machine = Machine.describe();
        String loadBefore = Machine.loadAverage();
        System.out.println("fedlink benchmarks, " + plan.mode() + " mode; machine: " + machine + "; load " + loadBefore);
        System.out.println("child JVM logs (stderr, GC): " + logs);
        long started = System.nanoTime();
        List<ResultRow> rows = new ArrayList<>();
        for (String figure : figures) {
            switch (figure.trim()) {
                case "1" -> rows.addAll(RoundTripFigure.run(plan, launcher));
                case "2" -> rows.addAll(TransferFigure.run(plan, launcher));
                case "3" -> rows.addAll(ScaleFigure.run(plan, launcher));
                case "4" -> rows.addAll(AggregationFigure.run(plan, launcher));
                case "5" -> rows.addAll(RobustAggregationFigure.run(plan, launcher));
                case "6" -> rows.addAll(RelayFigure.run(plan, launcher));
                case "7" -> rows.addAll(TrainingRoundFigure.run(plan, launcher));
                case "8" -> rows.addAll(PythonClientsFigure.run(plan, launcher));
                default -> {
                    System.err.println("unknown figure " + figure + "; figures are 1, 2, 3, 4, 5, 6, 7, 8");
                    System.exit(2);
                }
            }
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String loadAfter = Machine.loadAverage();
        System.out.println();
        if (plan.mode().equals("quick")) {
            System.out.println("Quick mode checks that the benchmarks run: its windows are too short and its sizes too small"
                    + " for the figures or the verdicts to mean anything. The full mode (no option) measures.");
        }
        System.out.print(ResultTable.format(rows));
        System.out.printf("%n%s mode, %.1f min; load average before %s, after %s%n", plan.mode(), minutes, loadBefore, loadAfter);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", plan.mode());
        report.put("started", stamp);
        report.put("minutes", minutes);
        report.put("arguments", List.of(args));
        report.put("machine", machine);
        report.put("load_before", loadBefore);
        report.put("load_after", loadAfter);
        report.put("plan", planJson(plan));
        List<Object> rowJson = new ArrayList<>();
        rows.forEach(row -> rowJson.add(row.toJson()));
        report.put("rows", rowJson);
        report.put("child_metrics", launcher.metrics());
        writeReport(results, plan.mode(), stamp, Json.write(report));

        boolean allRan = rows.stream().noneMatch(row -> row.fedlink() == null
                || (row.note() != null && row.note().contains("did not run")));
        System.exit(allRan ? 0 : 1);
    }

    private static void writeReport(Path directory, String mode, String stamp, String json) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(mode + "-" + stamp + ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        Path latest = directory.resolve("latest-" + mode + ".json");
        Path temporary = directory.resolve("latest-" + mode + ".json.tmp");
        Files.writeString(temporary, json, StandardCharsets.UTF_8);
        Files.move(temporary, latest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("results: " + file + " (and " + latest + ")");
    }

    private static Map<String, Object> planJson(BenchmarkPlan plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (var component : BenchmarkPlan.class.getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(plan);
                json.put(component.getName(), value instanceof List<?> list ? new ArrayList<>(list) : value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return json;
    }
}
