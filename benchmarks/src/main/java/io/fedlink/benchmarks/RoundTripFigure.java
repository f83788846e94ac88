package io.fedlink.benchmarks;

import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 1, instruction round trip: K clients, a small {@code fit_ins} to all K, wait for all replies, repeat.
 * Both coordinators live in one JVM and the same fleet JVM joins both; measured windows alternate between them
 * so that load from elsewhere on the machine falls on both alike.
 */
final class RoundTripFigure {

    static final String FIGURE = "1 round trip";

    private RoundTripFigure() {
    }

    /** Driver side: one coordinator JVM and one fleet JVM per K. */
    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        for (int clients : plan.roundTripClients()) {
            String setting = "K=" + clients + " (" + clients + " conn.)";
            System.out.println("figure 1: " + setting);
            Map<String, String> arguments = new LinkedHashMap<>();
            arguments.put("clients", String.valueOf(clients));
            arguments.put("warmupMillis", String.valueOf(plan.roundTripWarmupMillis()));
            arguments.put("windowMillis", String.valueOf(plan.roundTripWindowMillis()));
            arguments.put("pairs", String.valueOf(plan.roundTripPairs()));
            arguments.put("messageBytes", String.valueOf(plan.smallMessageBytes()));
            ChildJvm coordinator = launcher.coordinator("roundtrip-k" + clients, List.of("-Xmx" + plan.smallHeap()),
                    "roundtrip", arguments);
            ChildJvm fleet = null;
            try {
                String fedlinkPort = port(coordinator, "fedlink");
                String rawPort = port(coordinator, "raw");
                fleet = launcher.fleet("roundtrip-k" + clients, List.of("-Xmx" + plan.smallHeap()), Map.of(
                        "ports", fedlinkPort + "," + rawPort, "streams", String.valueOf(clients),
                        "replyBytes", String.valueOf(plan.smallMessageBytes()), "directExecutor", "true"));
                long budget = 2 * plan.roundTripWarmupMillis() + 2 * plan.roundTripPairs() * plan.roundTripWindowMillis();
                coordinator.await(ChildProtocol.DONE, Duration.ofMillis(budget).plusMinutes(3));
                rows.addAll(rows(setting, coordinator.metrics()));
            } catch (ChildJvm.ChildFailedException e) {
                rows.add(new ResultRow(FIGURE, setting, "rounds/s", null, "raw", null, null, "ratio >= 0.8", null,
                        "did not run: " + e.getMessage()));
            } finally {
                if (fleet != null) {
                    launcher.stop(fleet);
                }
                launcher.stop(coordinator);
            }
        }
        return rows;
    }

    static String port(ChildJvm coordinator, String name) throws InterruptedException {
        String line = coordinator.await(ChildProtocol.PORT, Duration.ofMinutes(1));
        String[] parts = line.split(" ");
        if (!parts[0].equals(name)) {
            throw new ChildJvm.ChildFailedException(coordinator.name() + " announced " + line + ", expected " + name);
        }
        return parts[1];
    }

    private static List<ResultRow> rows(String setting, Map<String, Double> m) {
        Double fedRounds = m.get("fedlink.rounds_per_s");
        Double rawRounds = m.get("raw.rounds_per_s");
        // Adjacent windows see the same load from elsewhere; the median of their ratios resists a burst in one window.
        Double ratio = m.get("ratio_median_of_pairs");
        List<ResultRow> rows = new ArrayList<>();
        rows.add(new ResultRow(FIGURE, setting, "rounds/s", fedRounds, "raw", rawRounds, ratio, "ratio >= 0.8",
                ratio == null ? null : ratio >= 0.8, null));
        Double fedInstructions = m.get("fedlink.instructions_per_s");
        Double rawInstructions = m.get("raw.instructions_per_s");
        rows.add(new ResultRow(FIGURE, setting, "instructions/s", fedInstructions, "raw", rawInstructions,
                ResultRow.ratio(fedInstructions, rawInstructions), null, null, null));
        for (String percentile : List.of("p50", "p99")) {
            Double fed = m.get("fedlink." + percentile + "_us");
            Double raw = m.get("raw." + percentile + "_us");
            rows.add(new ResultRow(FIGURE, setting, percentile + " latency us", fed, "raw", raw, ResultRow.ratio(fed, raw),
                    null, null, null));
        }
        Double fedCpu = m.get("fedlink.cpu_us_per_instruction");
        Double rawCpu = m.get("raw.cpu_us_per_instruction");
        rows.add(new ResultRow(FIGURE, setting, "coord. CPU us/instr.", fedCpu, "raw", rawCpu, ResultRow.ratio(fedCpu, rawCpu),
                null, null, null));
        Double fedAllocated = m.get("fedlink.allocated_bytes_per_instruction");
        Double rawAllocated = m.get("raw.allocated_bytes_per_instruction");
        rows.add(new ResultRow(FIGURE, setting, "coord. alloc B/instr.", fedAllocated, "raw", rawAllocated,
                ResultRow.ratio(fedAllocated, rawAllocated), null, null, null));
        return rows;
    }

    /** Coordinator side: warm both up, then alternate measured windows, then report per coordinator. */
    static void measure(List<CoordinatorUnderTest> coordinators, Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        long warmupMillis = Long.parseLong(ChildProtocol.required(options, "warmupMillis"));
        long windowMillis = Long.parseLong(ChildProtocol.required(options, "windowMillis"));
        int pairs = Integer.parseInt(ChildProtocol.required(options, "pairs"));
        int messageBytes = Integer.parseInt(ChildProtocol.required(options, "messageBytes"));
        ServerMessage instruction = Payloads.fitIns(Payloads.model(messageBytes, messageBytes, 1f, true));
        for (CoordinatorUnderTest coordinator : coordinators) {
            coordinator.awaitConnected(clients, Duration.ofMinutes(2));
        }
        Map<CoordinatorUnderTest, Totals> totals = new LinkedHashMap<>();
        for (CoordinatorUnderTest coordinator : coordinators) {
            runFor(coordinator, clients, instruction, warmupMillis, new Totals());
            totals.put(coordinator, new Totals());
        }
        for (int pair = 0; pair < pairs; pair++) {
            List<CoordinatorUnderTest> order = new ArrayList<>(coordinators);
            if (pair % 2 == 1) {
                Collections.reverse(order);
            }
            for (CoordinatorUnderTest coordinator : order) {
                runFor(coordinator, clients, instruction, windowMillis, totals.get(coordinator));
            }
        }
        totals.forEach((coordinator, total) -> {
            double seconds = total.nanos / 1e9;
            String name = coordinator.name();
            ChildProtocol.metric(name + ".rounds", total.rounds);
            ChildProtocol.metric(name + ".rounds_per_s", total.rounds / seconds);
            ChildProtocol.metric(name + ".instructions_per_s", total.rounds * (double) clients / seconds);
            ChildProtocol.metric(name + ".p50_us", total.latencies.percentile(50) / 1e3);
            ChildProtocol.metric(name + ".p99_us", total.latencies.percentile(99) / 1e3);
            ChildProtocol.metric(name + ".cpu_us_per_instruction", total.cpuNanos / 1e3 / total.instructions);
            ChildProtocol.metric(name + ".allocated_bytes_per_instruction", total.allocatedBytes / (double) total.instructions);
        });
        ChildProtocol.metric("instruction_bytes", instruction.getSerializedSize());
        List<Totals> measured = new ArrayList<>(totals.values());
        ChildProtocol.metric("ratio_median_of_pairs", Rounds.medianOfPairedRatios(measured.get(0).windowRates,
                measured.get(1).windowRates));
    }

    private static void runFor(CoordinatorUnderTest coordinator, int clients, ServerMessage instruction, long millis,
                               Totals totals) throws InterruptedException {
        List<Peer> peers = coordinator.peers();
        if (peers.size() != clients) {
            throw new IllegalStateException(coordinator.name() + " has " + peers.size() + " clients, expected " + clients);
        }
        long[] latencies = new long[clients];
        long cpuBefore = HeapProbe.processCpuNanos();
        long allocatedBefore = HeapProbe.allocatedBytesOfLiveThreads();
        long roundsBefore = totals.rounds;
        long started = System.nanoTime();
        long deadline = started + millis * 1_000_000;
        long now;
        do {
            Rounds.fitRound(peers, instruction, latencies, null, 60);
            for (long latency : latencies) {
                totals.latencies.record(latency);
            }
            totals.rounds++;
            now = System.nanoTime();
        } while (now < deadline);
        totals.nanos += now - started;
        totals.cpuNanos += HeapProbe.processCpuNanos() - cpuBefore;
        totals.allocatedBytes += HeapProbe.allocatedBytesOfLiveThreads() - allocatedBefore;
        totals.instructions += (totals.rounds - roundsBefore) * clients;
        totals.windowRates.add((totals.rounds - roundsBefore) / ((now - started) / 1e9));
    }

    private static final class Totals {
        final LatencyRecorder latencies = new LatencyRecorder();
        long rounds;
        long nanos;
        long cpuNanos;
        long allocatedBytes;
        long instructions;
        final List<Double> windowRates = new ArrayList<>();
    }
}
