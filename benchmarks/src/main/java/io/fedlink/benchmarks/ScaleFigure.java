package io.fedlink.benchmarks;

import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 3, scale: N idle clients on one coordinator. Time for all to register, heap per connected client after
 * a full GC, and the time to fan one small instruction out to all and collect every reply. Each coordinator gets
 * a JVM of its own here, since heap is measured.
 */
final class ScaleFigure {

    static final String FIGURE = "3 scale";
    static final double HEAP_TARGET_KIB = 50;

    private ScaleFigure() {
    }

    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        int perConnection = plan.scaleStreamsPerConnection();
        for (int clients : plan.scaleClients()) {
            int connections = (clients + perConnection - 1) / perConnection;
            String setting = "N=" + String.format("%,d", clients) + " (" + String.format("%,d", connections) + " conn.)";
            System.out.println("figure 3: " + setting);
            Map<String, Map<String, Double>> results = new LinkedHashMap<>();
            String failure = null;
            for (String implementation : List.of("fedlink", "raw")) {
                try {
                    results.put(implementation, measureIn(plan, launcher, implementation, clients, perConnection));
                } catch (ChildJvm.ChildFailedException e) {
                    failure = (failure == null ? "" : failure + "; ") + implementation + " did not run: " + e.getMessage();
                }
            }
            Map<String, Double> fed = results.getOrDefault("fedlink", Map.of());
            Map<String, Double> raw = results.getOrDefault("raw", Map.of());
            rows.add(new ResultRow(FIGURE, setting, "all registered s", fed.get("register_s"), "raw", raw.get("register_s"),
                    ResultRow.ratio(fed.get("register_s"), raw.get("register_s")), null, null, failure));
            Double fedHeap = kib(fed.get("heap_per_client_bytes"));
            rows.add(new ResultRow(FIGURE, setting, "heap KiB/client", fedHeap, "raw", kib(raw.get("heap_per_client_bytes")),
                    ResultRow.ratio(fedHeap, kib(raw.get("heap_per_client_bytes"))), "<= 50 KiB",
                    fedHeap == null ? null : fedHeap <= HEAP_TARGET_KIB, null));
            Double fedFanOut = fed.get("fanout_ms_median");
            Double rawFanOut = raw.get("fanout_ms_median");
            boolean all = fed.getOrDefault("replies", 0.0) >= clients;
            rows.add(new ResultRow(FIGURE, setting, "fan-out+collect ms", fedFanOut, "raw", rawFanOut,
                    ResultRow.ratio(fedFanOut, rawFanOut), clients >= 10_000 ? "all connected, all replied" : null,
                    clients >= 10_000 ? (Boolean) all : null, null));
            Double fedCpu = fed.get("fanout_cpu_ms_median");
            Double rawCpu = raw.get("fanout_cpu_ms_median");
            rows.add(new ResultRow(FIGURE, setting, "fan-out coord. CPU ms", fedCpu, "raw", rawCpu,
                    ResultRow.ratio(fedCpu, rawCpu), null, null, null));
        }
        return rows;
    }

    private static Double kib(Double bytes) {
        return bytes == null ? null : bytes / 1024;
    }

    /** One coordinator JVM with {@code clients} streams, {@code perConnection} to a TCP connection; its metrics. */
    static Map<String, Double> measureIn(BenchmarkPlan plan, Launcher launcher, String implementation, int clients,
                                         int perConnection) throws InterruptedException {
        String label = "scale-" + implementation + "-" + clients;
        ChildJvm coordinator = launcher.coordinator(label, List.of("-Xmx" + plan.smallHeap()), "scale", Map.of(
                "implementation", implementation, "clients", String.valueOf(clients),
                "fanOuts", String.valueOf(plan.scaleFanOuts()), "messageBytes", String.valueOf(plan.smallMessageBytes())));
        ChildJvm fleet = null;
        try {
            String port = RoundTripFigure.port(coordinator, implementation);
            // A fleet of thousands of channels needs more heap than the coordinator.
            fleet = launcher.fleet(label, List.of("-Xmx" + (clients > 2000 ? "3g" : plan.smallHeap())), Map.of(
                    "ports", port, "streams", String.valueOf(clients),
                    "streamsPerConnection", String.valueOf(perConnection),
                    "replyBytes", String.valueOf(plan.smallMessageBytes()), "directExecutor", "true"));
            coordinator.await(ChildProtocol.DONE, Duration.ofMinutes(10));
            return new LinkedHashMap<>(coordinator.metrics());
        } finally {
            if (fleet != null) {
                launcher.stop(fleet);
            }
            launcher.stop(coordinator);
        }
    }

    /** Coordinator side: heap baseline, announce the port, wait for N, heap again, then fan-outs. */
    static void measure(CoordinatorUnderTest coordinator, Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        int fanOuts = Integer.parseInt(ChildProtocol.required(options, "fanOuts"));
        int messageBytes = Integer.parseInt(ChildProtocol.required(options, "messageBytes"));
        ServerMessage instruction = Payloads.fitIns(Payloads.model(messageBytes, messageBytes, 1f, true));
        HeapProbe.liveHeapBytes();
        long baseHeap = HeapProbe.liveHeapBytes();
        long baseResident = HeapProbe.residentBytes();
        long baseDirect = HeapProbe.directBytes();
        ChildProtocol.say(ChildProtocol.PORT, coordinator.name() + " " + coordinator.port());
        coordinator.awaitConnected(clients, Duration.ofMinutes(8));
        ChildProtocol.metric("register_s", coordinator.registrations().spanNanos() / 1e9);
        Thread.sleep(500);
        HeapProbe.liveHeapBytes();
        long heap = HeapProbe.liveHeapBytes();
        ChildProtocol.metric("heap_per_client_bytes", (heap - baseHeap) / (double) clients);
        ChildProtocol.metric("resident_per_client_bytes", (HeapProbe.residentBytes() - baseResident) / (double) clients);
        ChildProtocol.metric("direct_bytes", HeapProbe.directBytes() - baseDirect);
        ChildProtocol.metric("live_heap_bytes", heap);
        List<Peer> peers = coordinator.peers();
        Rounds.fitRound(peers, instruction, null, null, 300);
        List<Double> millis = new ArrayList<>();
        List<Double> cpuMillis = new ArrayList<>();
        for (int i = 0; i < fanOuts; i++) {
            long cpu = HeapProbe.processCpuNanos();
            long started = System.nanoTime();
            Rounds.fitRound(peers, instruction, null, null, 300);
            millis.add((System.nanoTime() - started) / 1e6);
            cpuMillis.add((HeapProbe.processCpuNanos() - cpu) / 1e6);
        }
        ChildProtocol.metric("fanout_cpu_ms_median", Rounds.median(cpuMillis));
        ChildProtocol.metric("fanout_ms_median", Rounds.median(millis));
        ChildProtocol.metric("fanout_ms_max", millis.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        ChildProtocol.metric("replies", peers.size());
    }
}
