package io.fedlink.benchmarks;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 4, aggregation memory: one FedAvg round on fedlink's coordinator, the model sent to N clients in a
 * {@code fit_ins}, their N updates (each the size of the model) aggregated as they arrive. Peak live heap is
 * sampled by {@link PeakLiveHeapSampler} and reported above the idle coordinator's heap, as a multiple of the
 * model size (so the coordinator's own copy of the model counts as 1). One JVM per aggregator.
 */
final class AggregationFigure {

    static final String FIGURE = "4 aggregation";
    static final double TARGET_MULTIPLE = 4;

    private AggregationFigure() {
    }

    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        long modelBytes = plan.aggregationModelBytes();
        String measured = FedlinkFedAvgAdapter.AVAILABLE ? "fedlink" : "running-sum";
        for (int clients : plan.aggregationClients()) {
            String setting = clients + " x " + (modelBytes / BenchmarkPlan.MIB) + " MiB (" + clients + " conn.)";
            System.out.println("figure 4: " + setting);
            Map<String, Double> fed = Map.of();
            Map<String, Double> keepAll = Map.of();
            List<String> notes = new ArrayList<>();
            try {
                fed = measureIn(plan, launcher, measured, clients);
            } catch (ChildJvm.ChildFailedException e) {
                notes.add(measured + " did not run: " + e.getMessage());
            }
            try {
                keepAll = measureIn(plan, launcher, "keep-all", clients);
            } catch (ChildJvm.ChildFailedException e) {
                notes.add("keep-all did not run: " + e.getMessage());
            }
            if (!FedlinkFedAvgAdapter.AVAILABLE) {
                notes.add(0, "fedlink column: RunningSumFedAvg stand-in (FedlinkFedAvgAdapter not plugged in yet), on fedlink's coordinator");
            }
            double need = clients + 2;
            notes.add(String.format("keeping all %d updates needs (%d + 2) x model = %.0f MiB (updates, model, result)",
                    clients, clients, need * modelBytes / BenchmarkPlan.MIB));
            Double fedMultiple = fed.get("peak_multiple");
            rows.add(new ResultRow(FIGURE, setting, "peak heap / model", fedMultiple, "keep-all", keepAll.get("peak_multiple"),
                    ResultRow.ratio(fedMultiple, keepAll.get("peak_multiple")), "<= 4x model",
                    fedMultiple == null ? null : fedMultiple <= TARGET_MULTIPLE, String.join("; ", notes)));
        }
        return rows;
    }

    private static Map<String, Double> measureIn(BenchmarkPlan plan, Launcher launcher, String aggregator, int clients)
            throws InterruptedException {
        String label = "aggregation-" + aggregator + "-" + clients;
        List<String> jvm = List.of("-Xmx" + plan.largeHeap(), "-XX:MaxDirectMemorySize=" + plan.largeHeap());
        ChildJvm coordinator = launcher.coordinator(label, jvm, "aggregation", Map.of(
                "aggregator", aggregator, "clients", String.valueOf(clients),
                "modelBytes", String.valueOf(plan.aggregationModelBytes()), "tensorBytes", String.valueOf(plan.tensorBytes()),
                "sampleMillis", String.valueOf(plan.aggregationSampleMillis())));
        ChildJvm fleet = null;
        try {
            String port = RoundTripFigure.port(coordinator, "fedlink");
            fleet = launcher.fleet(label, jvm, Map.of("ports", port, "streams", String.valueOf(clients),
                    "replyBytes", String.valueOf(plan.aggregationModelBytes()), "tensorBytes", String.valueOf(plan.tensorBytes())));
            coordinator.await(ChildProtocol.DONE, Duration.ofMinutes(10));
            return new LinkedHashMap<>(coordinator.metrics());
        } finally {
            if (fleet != null) {
                launcher.stop(fleet);
            }
            launcher.stop(coordinator);
        }
    }

    static Aggregator aggregator(String name) {
        return switch (name) {
            case "keep-all" -> new KeepAllFedAvg();
            case "running-sum" -> new RunningSumFedAvg();
            case "fedlink" -> new FedlinkFedAvgAdapter();
            default -> throw new IllegalArgumentException("unknown aggregator " + name + " (keep-all, running-sum, fedlink)");
        };
    }

    /** Coordinator side: the round, with the live heap sampled throughout. */
    static void measure(FedlinkCoordinator coordinator, Map<String, String> options) throws Exception {
        String name = ChildProtocol.required(options, "aggregator");
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        long modelBytes = Long.parseLong(ChildProtocol.required(options, "modelBytes"));
        int tensorBytes = Integer.parseInt(ChildProtocol.required(options, "tensorBytes"));
        long sampleMillis = Long.parseLong(ChildProtocol.required(options, "sampleMillis"));
        ChildProtocol.say(ChildProtocol.PORT, coordinator.name() + " " + coordinator.port());
        coordinator.awaitConnected(clients, Duration.ofMinutes(2));
        List<Peer> peers = coordinator.peers();
        HeapProbe.liveHeapBytes();
        long baseHeap = HeapProbe.liveHeapBytes();

        Parameters model = Payloads.model(modelBytes, tensorBytes, 1f, true);
        ServerMessage instruction = Payloads.fitIns(model);
        long tensorTotal = Payloads.tensorBytes(model);
        Aggregator aggregator = aggregator(name);
        Parameters result;
        PeakLiveHeapSampler sampler = new PeakLiveHeapSampler(sampleMillis);
        try {
            Rounds.fitRound(peers, instruction, null, reply -> aggregator.add(reply.getFitRes()), 600);
            result = aggregator.result();
            sampler.sample();
        } finally {
            sampler.close();
        }
        checkAverage(result, model.getTensorsCount());
        Reference.reachabilityFence(aggregator);
        Reference.reachabilityFence(instruction);
        long peakAboveBase = sampler.peakLiveBytes() - baseHeap;
        ChildProtocol.metric("peak_live_above_idle_bytes", peakAboveBase);
        ChildProtocol.metric("model_bytes", tensorTotal);
        ChildProtocol.metric("peak_multiple", peakAboveBase / (double) tensorTotal);
        ChildProtocol.metric("peak_direct_bytes", sampler.peakDirectBytes());
        ChildProtocol.metric("samples", sampler.samples());
    }

    /** Every client sends 0.5 everywhere with the same weight, so the average must be 0.5 everywhere we look. */
    private static void checkAverage(Parameters result, int tensors) {
        if (result.getTensorsCount() != tensors) {
            throw new IllegalStateException("aggregate has " + result.getTensorsCount() + " tensors, model had " + tensors);
        }
        FloatBuffer first = NpyFloat32.floats(result.getTensors(0));
        FloatBuffer last = NpyFloat32.floats(result.getTensors(tensors - 1));
        for (float value : new float[] {first.get(0), last.get(last.limit() - 1)}) {
            if (Math.abs(value - 0.5f) > 1e-5) {
                throw new IllegalStateException("aggregate is wrong: expected 0.5, found " + value);
            }
        }
    }
}
