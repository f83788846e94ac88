package io.fedlink.benchmarks;

import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.FlowControl;
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
 * model size (so the coordinator's own copy of the model counts as 1). One JVM per run.
 *
 * <p>Two ways of running the round: all N instructions at once (every client uploads at the same moment, as
 * instant clients do), and at most c outstanding ({@link Rounds#boundedFitRound}), which bounds how many updates the
 * coordinator receives at once.
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
        String standIn = FedlinkFedAvgAdapter.AVAILABLE ? ""
                : "fedlink column: RunningSumFedAvg stand-in on fedlink's coordinator (FedlinkFedAvgAdapter not plugged in yet); ";
        for (int clients : plan.aggregationClients()) {
            String setting = clients + " x " + (modelBytes / BenchmarkPlan.MIB) + " MiB (" + clients + " conn.)";
            System.out.println("figure 4: " + setting);
            double need = clients + 2;
            String needText = String.format("; keeping all %d updates needs (%d + 2) x model = %.0f MiB (updates, model, result)",
                    clients, clients, need * modelBytes / BenchmarkPlan.MIB);
            for (int inFlight : plan.aggregationInFlight()) {
                long budget = inFlight == 0 ? plan.aggregationSendBudget() : 0;
                Outcome outcome = measureIn(plan, launcher, measured, clients, inFlight, budget);
                if (inFlight == 0) {
                    Outcome keepAll = measureIn(plan, launcher, "keep-all", clients, 0, Long.MAX_VALUE);
                    rows.add(row(setting, "peak heap / model, all at once", outcome, "keep-all", keepAll.multiple(),
                            standIn + outcome.describe() + "; keep-all " + keepAll.describe() + needText
                                    + "; one large reply received at a time (fedlink.server.flow-control"
                                    + ".large-replies-at-once=1, the default)"));
                    rows.addAll(sendRows(setting, plan, budget, outcome, keepAll));
                } else {
                    rows.add(row(setting, "peak heap / model, <= " + inFlight + " in flight", outcome, "keep-all need", need,
                            "at most " + inFlight + " fit_ins outstanding (Rounds.boundedFitRound), so at most " + inFlight
                                    + " update(s) arrive at once; " + outcome.describe()));
                }
            }
        }
        return rows;
    }

    /**
     * What the send budget bounds, and the direct memory of the same fan-out with and without it (the keep-all run
     * sends with none): the bytes queued for sending must stay within the budget (or one model, if larger); direct
     * memory adds the update being received (it sits in Netty's buffers until it is whole) and, for every client
     * waiting for its turn to upload, the first flow-control window of its update, in Netty's pooled read buffers.
     */
    private static List<ResultRow> sendRows(String setting, BenchmarkPlan plan, long budget, Outcome bounded,
                                            Outcome unbounded) {
        double allowed = Math.max(budget, plan.aggregationModelBytes()) / (double) BenchmarkPlan.MIB;
        Double queued = bounded.queuedMib();
        ResultRow queuedRow = new ResultRow(FIGURE, setting, "peak MiB queued for sending, all at once", queued,
                "no send budget", unbounded.queuedMib(), ResultRow.ratio(queued, unbounded.queuedMib()),
                String.format("<= send budget (%d MiB)", budget / BenchmarkPlan.MIB),
                queued == null ? null : queued <= allowed,
                "fedlink.server.flow-control.send-budget=" + budget / BenchmarkPlan.MIB + "MB; the baseline is the keep-all"
                        + " run of the same fan-out with no budget (ClientManagerServicer.bytesQueuedForSending(), sampled"
                        + " every millisecond)");
        ResultRow directRow = new ResultRow(FIGURE, setting, "peak direct MiB, all at once", bounded.directMib(),
                "no send budget", unbounded.directMib(), ResultRow.ratio(bounded.directMib(), unbounded.directMib()),
                null, null, "NIO direct memory of the coordinator JVM (Netty's pools), sampled with the heap: what is"
                + " queued for sending, plus the update being received and the first flow-control window of every"
                + " update waiting for its turn");
        return List.of(queuedRow, directRow);
    }

    private static ResultRow row(String setting, String metric, Outcome outcome, String baselineName, Double baseline, String note) {
        Double multiple = outcome.multiple();
        return new ResultRow(FIGURE, setting, metric, multiple, baselineName, baseline, ResultRow.ratio(multiple, baseline),
                "<= 4x model", multiple == null ? null : multiple <= TARGET_MULTIPLE, note);
    }

    /**
     * A run's heap multiple (G1 used after GC) and live-object multiple, its peak direct memory and peak bytes queued
     * for sending (MiB), or why it did not run.
     */
    private record Outcome(Double multiple, Double objectMultiple, Double directMib, Double queuedMib, String failure) {

        String describe() {
            if (failure != null) {
                return failure;
            }
            return String.format("live objects %.2fx (the rest is G1 humongous-region tails)", objectMultiple);
        }
    }

    private static Outcome measureIn(BenchmarkPlan plan, Launcher launcher, String aggregator, int clients, int maxInFlight,
                                     long sendBudget) throws InterruptedException {
        String label = "aggregation-" + aggregator + "-" + clients + (maxInFlight > 0 ? "-inflight" + maxInFlight : "");
        List<String> jvm = List.of("-Xmx" + plan.largeHeap(), "-XX:MaxDirectMemorySize=" + plan.largeHeap());
        ChildJvm coordinator = launcher.coordinator(label, jvm, "aggregation", Map.of(
                "aggregator", aggregator, "clients", String.valueOf(clients), "maxInFlight", String.valueOf(maxInFlight),
                "modelBytes", String.valueOf(plan.aggregationModelBytes()), "tensorBytes", String.valueOf(plan.tensorBytes()),
                "sampleMillis", String.valueOf(plan.aggregationSampleMillis()), "histograms", "true",
                "sendBudget", String.valueOf(sendBudget)));
        ChildJvm fleet = null;
        try {
            String port = RoundTripFigure.port(coordinator, "fedlink");
            fleet = launcher.fleet(label, jvm, Map.of("ports", port, "streams", String.valueOf(clients),
                    "replyBytes", String.valueOf(plan.aggregationModelBytes()), "tensorBytes", String.valueOf(plan.tensorBytes())));
            coordinator.await(ChildProtocol.DONE, Duration.ofMinutes(10));
            Map<String, Double> metrics = coordinator.metrics();
            return new Outcome(metrics.get("peak_multiple"), metrics.get("peak_object_multiple"),
                    mib(metrics.get("peak_direct_bytes")), mib(metrics.get("peak_queued_for_sending_bytes")), null);
        } catch (ChildJvm.ChildFailedException e) {
            return new Outcome(null, null, null, null, aggregator + " did not run: " + e.getMessage());
        } finally {
            if (fleet != null) {
                launcher.stop(fleet);
            }
            launcher.stop(coordinator);
        }
    }

    private static Double mib(Double bytes) {
        return bytes == null ? null : Math.round(bytes / BenchmarkPlan.MIB * 10) / 10.0;
    }

    /** The coordinator's flow control for a run: {@code sendBudget} bytes (0: the default), one large reply at a time. */
    static FlowControl flowControl(Map<String, String> options) {
        long budget = Long.parseLong(options.getOrDefault("sendBudget", "0"));
        return new FlowControl(budget > 0 ? budget : FlowControl.defaultSendBudget(), 1);
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
        int maxInFlight = Integer.parseInt(ChildProtocol.required(options, "maxInFlight"));
        long modelBytes = Long.parseLong(ChildProtocol.required(options, "modelBytes"));
        int tensorBytes = Integer.parseInt(ChildProtocol.required(options, "tensorBytes"));
        long sampleMillis = Long.parseLong(ChildProtocol.required(options, "sampleMillis"));
        ChildProtocol.say(ChildProtocol.PORT, coordinator.name() + " " + coordinator.port());
        coordinator.awaitConnected(clients, Duration.ofMinutes(2));
        List<Peer> peers = coordinator.peers();
        boolean histograms = Boolean.parseBoolean(options.getOrDefault("histograms", "false"));
        HeapProbe.liveHeapBytes();
        long baseObjects = histograms ? HeapProbe.liveClassHistogram().totalBytes() : 0;
        long baseHeap = HeapProbe.liveHeapBytes();

        Parameters model = Payloads.model(modelBytes, tensorBytes, 1f, true);
        ServerMessage instruction = Payloads.fitIns(model);
        long tensorTotal = Payloads.tensorBytes(model);
        Aggregator aggregator = aggregator(name);
        Parameters result;
        long started = System.nanoTime();
        PeakLiveHeapSampler sampler = new PeakLiveHeapSampler(sampleMillis, histograms);
        PeakQueuedBytes queued = new PeakQueuedBytes(coordinator.servicer()::bytesQueuedForSending);
        try {
            if (maxInFlight > 0) {
                Rounds.boundedFitRound(peers, instruction, maxInFlight, reply -> aggregator.add(reply.getFitRes()), 600);
            } else {
                Rounds.fitRound(peers, instruction, null, reply -> aggregator.add(reply.getFitRes()), 600);
            }
            result = aggregator.result();
            sampler.sample();
        } finally {
            sampler.close();
            queued.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (histograms) {
            System.err.println("live class histogram at the peak:\n" + sampler.histogramAtPeak());
        }
        checkAverage(result, model.getTensorsCount());
        Reference.reachabilityFence(aggregator);
        Reference.reachabilityFence(instruction);
        long peakAboveBase = sampler.peakUsedBytes() - baseHeap;
        ChildProtocol.metric("peak_used_above_idle_bytes", peakAboveBase);
        ChildProtocol.metric("model_bytes", tensorTotal);
        ChildProtocol.metric("peak_multiple", peakAboveBase / (double) tensorTotal);
        if (histograms) {
            long objectsAboveBase = sampler.peakObjectBytes() - baseObjects;
            ChildProtocol.metric("peak_objects_above_idle_bytes", objectsAboveBase);
            ChildProtocol.metric("peak_object_multiple", objectsAboveBase / (double) tensorTotal);
        }
        ChildProtocol.metric("peak_direct_bytes", sampler.peakDirectBytes());
        ChildProtocol.metric("peak_queued_for_sending_bytes", queued.peak());
        ChildProtocol.metric("samples", sampler.samples());
        ChildProtocol.metric("round_s_with_sampling", seconds);
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
