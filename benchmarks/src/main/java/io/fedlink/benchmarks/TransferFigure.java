package io.fedlink.benchmarks;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 2, model transfer: a model of float32 {@code .npy} tensors sent to K clients in a {@code fit_ins}, each
 * answering with an update of the same size. Effective throughput counts both directions; the coordinator's CPU
 * (its JVM's process CPU time over the round and a full collection after it, so that each round pays for its own
 * garbage) is given per GB moved. Both coordinators in one JVM, rounds
 * alternating; the copy baseline is measured in the same JVM.
 */
final class TransferFigure {

    static final String FIGURE = "2 transfer";

    private TransferFigure() {
    }

    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        int clients = plan.transferClients();
        for (long modelBytes : plan.transferModelBytes()) {
            String setting = (modelBytes / BenchmarkPlan.MIB) + " MiB x K=" + clients + " (" + clients + " conn.)";
            System.out.println("figure 2: " + setting);
            Map<String, String> arguments = new LinkedHashMap<>();
            arguments.put("clients", String.valueOf(clients));
            arguments.put("modelBytes", String.valueOf(modelBytes));
            arguments.put("tensorBytes", String.valueOf(plan.tensorBytes()));
            arguments.put("rounds", String.valueOf(plan.transferRounds()));
            List<String> jvm = List.of("-Xmx" + plan.largeHeap(), "-XX:MaxDirectMemorySize=" + plan.largeHeap());
            ChildJvm coordinator = launcher.coordinator("transfer-" + (modelBytes / BenchmarkPlan.MIB) + "mib", jvm,
                    "transfer", arguments);
            ChildJvm fleet = null;
            try {
                String fedlinkPort = RoundTripFigure.port(coordinator, "fedlink");
                String rawPort = RoundTripFigure.port(coordinator, "raw");
                fleet = launcher.fleet("transfer-" + (modelBytes / BenchmarkPlan.MIB) + "mib", jvm, Map.of(
                        "ports", fedlinkPort + "," + rawPort, "streams", String.valueOf(clients),
                        "replyBytes", String.valueOf(modelBytes), "tensorBytes", String.valueOf(plan.tensorBytes())));
                coordinator.await(ChildProtocol.DONE, Duration.ofMinutes(10));
                Map<String, Double> m = coordinator.metrics();
                Double fed = m.get("fedlink.gbps");
                Double raw = m.get("raw.gbps");
                Double copy = m.get("copy.gbps");
                Double ratio = m.get("ratio_median_of_pairs");
                rows.add(new ResultRow(FIGURE, setting, "GB/s vs raw", fed, "raw", raw, ratio, "ratio >= 0.8",
                        ratio == null ? null : ratio >= 0.8, null));
                rows.add(new ResultRow(FIGURE, setting, "GB/s vs copy", fed, "copy", copy, ResultRow.ratio(fed, copy),
                        null, null, null));
                Double fedCpu = m.get("fedlink.cpu_s_per_gb_median");
                Double rawCpu = m.get("raw.cpu_s_per_gb_median");
                Double cpuRatio = m.get("cpu_ratio_median_of_pairs");
                rows.add(new ResultRow(FIGURE, setting, "coord. CPU s/GB", fedCpu, "raw", rawCpu, cpuRatio, "ratio <= 0.5",
                        cpuRatio == null ? null : cpuRatio <= 0.5, null));
                rows.add(new ResultRow(FIGURE, setting, "round s (median)", m.get("fedlink.round_s_median"), "raw",
                        m.get("raw.round_s_median"), ResultRow.ratio(m.get("fedlink.round_s_median"),
                        m.get("raw.round_s_median")), null, null, null));
            } catch (ChildJvm.ChildFailedException e) {
                rows.add(new ResultRow(FIGURE, setting, "GB/s vs raw", null, "raw", null, null, "ratio >= 0.8", null,
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

    /** Coordinator side: one warm-up round each, then alternating measured rounds, then the copy baseline. */
    static void measure(List<CoordinatorUnderTest> coordinators, Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        long modelBytes = Long.parseLong(ChildProtocol.required(options, "modelBytes"));
        int tensorBytes = Integer.parseInt(ChildProtocol.required(options, "tensorBytes"));
        int rounds = Integer.parseInt(ChildProtocol.required(options, "rounds"));
        Parameters model = Payloads.model(modelBytes, tensorBytes, 1f, true);
        ServerMessage instruction = Payloads.fitIns(model);
        long downBytes = instruction.getSerializedSize();
        for (CoordinatorUnderTest coordinator : coordinators) {
            coordinator.awaitConnected(clients, Duration.ofMinutes(2));
        }
        for (CoordinatorUnderTest coordinator : coordinators) {
            round(coordinator, clients, instruction, downBytes);
        }
        Map<CoordinatorUnderTest, List<double[]>> measured = new LinkedHashMap<>();
        coordinators.forEach(coordinator -> measured.put(coordinator, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            List<CoordinatorUnderTest> order = new ArrayList<>(coordinators);
            if (r % 2 == 1) {
                Collections.reverse(order);
            }
            for (CoordinatorUnderTest coordinator : order) {
                measured.get(coordinator).add(round(coordinator, clients, instruction, downBytes));
            }
        }
        List<List<Double>> rates = new ArrayList<>();
        List<List<Double>> cpuPerGb = new ArrayList<>();
        long bytesPerRound = 0;
        for (Map.Entry<CoordinatorUnderTest, List<double[]>> entry : measured.entrySet()) {
            double bytes = 0;
            double seconds = 0;
            List<Double> roundSeconds = new ArrayList<>();
            List<Double> roundRates = new ArrayList<>();
            List<Double> roundCpu = new ArrayList<>();
            rates.add(roundRates);
            cpuPerGb.add(roundCpu);
            for (double[] result : entry.getValue()) {
                roundRates.add(result[0] / result[1]);
                roundCpu.add(result[2] / (result[0] / 1e9));
                bytes += result[0];
                seconds += result[1];
                roundSeconds.add(result[1]);
                bytesPerRound = (long) result[0];
            }
            String name = entry.getKey().name();
            ChildProtocol.metric(name + ".gbps", bytes / seconds / 1e9);
            ChildProtocol.metric(name + ".round_s_median", Rounds.median(roundSeconds));
            ChildProtocol.metric(name + ".cpu_s_per_gb_median", Rounds.median(roundCpu));
        }
        ChildProtocol.metric("ratio_median_of_pairs", Rounds.medianOfPairedRatios(rates.get(0), rates.get(1)));
        ChildProtocol.metric("cpu_ratio_median_of_pairs", Rounds.medianOfPairedRatios(cpuPerGb.get(0), cpuPerGb.get(1)));
        double copySeconds = CopyBaseline.seconds(bytesPerRound);
        ChildProtocol.metric("copy.gbps", bytesPerRound / copySeconds / 1e9);
        ChildProtocol.metric("copy.seconds", copySeconds);
        ChildProtocol.metric("bytes_per_round", bytesPerRound);
        ChildProtocol.metric("down_bytes_per_client", downBytes);
    }

    /** One round; returns {bytes moved both ways, seconds, coordinator process CPU seconds}. */
    private static double[] round(CoordinatorUnderTest coordinator, int clients, ServerMessage instruction, long downBytes)
            throws InterruptedException {
        List<Peer> peers = coordinator.peers();
        if (peers.size() != clients) {
            throw new IllegalStateException(coordinator.name() + " has " + peers.size() + " clients, expected " + clients);
        }
        AtomicLong upBytes = new AtomicLong();
        long cpu = HeapProbe.processCpuNanos();
        long started = System.nanoTime();
        Rounds.fitRound(peers, instruction, null, reply -> upBytes.addAndGet(reply.getSerializedSize()), 300);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.gc(); // this round's garbage is collected on this round's account, not the next coordinator's
        double cpuSeconds = (HeapProbe.processCpuNanos() - cpu) / 1e9;
        return new double[] {clients * (double) downBytes + upBytes.get(), seconds, cpuSeconds};
    }
}
