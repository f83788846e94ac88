package io.fedlink.benchmarks;

import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.FlowControl;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.FitAggregate;
import io.fedlink.strategy.FitAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 7, training round: one fit round with FedAvg (the model to every client, each update folded into the mean as
 * it arrives, by the strategy's own fit aggregator) and one evaluate round of the new model, on fedlink's coordinator with its model path
 * ({@link io.fedlink.wire.ModelTransfer#ZERO_COPY}) against the same coordinator on the copying path it replaced
 * ({@link io.fedlink.wire.ModelTransfer#COPYING}: per-client encoding, copying parse). Both coordinators live in one
 * JVM, one fleet of instant clients joins both, rounds alternate after {@value #WARM_UP_ROUNDS} warm-up rounds each (a
 * fresh JVM spends a round's worth of CPU compiling the path's code in its first rounds). Round time is the wall
 * time of both fan-outs; coordinator CPU is the JVM's process CPU time over the round plus a full collection after it,
 * so that each round pays for the garbage it leaves (the copying path leaves a model per update). The same fleet
 * also joins the {@link TransportFloor}, whose rounds (after the others) show the least a coordinator on grpc-java
 * spends moving the round's bytes: what no model path can go below.
 */
final class TrainingRoundFigure {

    static final String FIGURE = "7 training round";
    static final int WARM_UP_ROUNDS = 4;

    private TrainingRoundFigure() {
    }

    /** Driver side: one coordinator JVM and one fleet JVM per K and model size. */
    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        for (int clients : plan.trainingClients()) {
            for (long modelBytes : plan.trainingModelBytes()) {
                String setting = (modelBytes / BenchmarkPlan.MIB) + " MiB x K=" + clients + " (" + clients + " conn."
                        + (plan.trainingSendBudget() == 0 ? ")"
                        : ", send budget " + plan.trainingSendBudget() / BenchmarkPlan.MIB + " MiB)");
                System.out.println("figure 7: " + setting);
                String label = "training-k" + clients + "-" + (modelBytes / BenchmarkPlan.MIB) + "mib";
                Map<String, String> arguments = new LinkedHashMap<>();
                arguments.put("clients", String.valueOf(clients));
                arguments.put("modelBytes", String.valueOf(modelBytes));
                arguments.put("tensorBytes", String.valueOf(plan.tensorBytes()));
                arguments.put("rounds", String.valueOf(plan.trainingRounds()));
                arguments.put("sendBudget", String.valueOf(plan.trainingSendBudget()));
                List<String> jvm = List.of("-Xmx" + plan.largeHeap(), "-XX:MaxDirectMemorySize=" + plan.largeHeap());
                ChildJvm coordinator = launcher.coordinator(label, jvm, "training", arguments);
                ChildJvm fleet = null;
                try {
                    String zeroCopyPort = RoundTripFigure.port(coordinator, "fedlink");
                    String copyingPort = RoundTripFigure.port(coordinator, "fedlink-copying");
                    String floorPort = RoundTripFigure.port(coordinator, "floor");
                    // The fleet holds every instruction it is receiving and every update it is sending in Netty's
                    // direct buffers until the coordinator takes it (one large reply at a time): up to 2 x K models.
                    long fleetDirect = 2 * clients * modelBytes + 1024 * BenchmarkPlan.MIB;
                    fleet = launcher.fleet(label, List.of("-Xmx" + plan.smallHeap(),
                            "-XX:MaxDirectMemorySize=" + fleetDirect / BenchmarkPlan.MIB + "m"), Map.of(
                            "ports", zeroCopyPort + "," + copyingPort + "," + floorPort, "streams", String.valueOf(clients),
                            "replyBytes", String.valueOf(modelBytes), "tensorBytes", String.valueOf(plan.tensorBytes()),
                            "readInstructions", "case"));
                    coordinator.await(ChildProtocol.DONE, Duration.ofMinutes(20));
                    rows.addAll(rows(setting, coordinator.metrics()));
                } catch (ChildJvm.ChildFailedException e) {
                    rows.add(new ResultRow(FIGURE, setting, "coord. CPU s/round", null, "copying", null, null,
                            "ratio <= 0.5", null, "did not run: " + e.getMessage()));
                } finally {
                    if (fleet != null) {
                        launcher.stop(fleet);
                    }
                    launcher.stop(coordinator);
                }
            }
        }
        return rows;
    }

    private static List<ResultRow> rows(String setting, Map<String, Double> m) {
        List<ResultRow> rows = new ArrayList<>();
        Double cpuRatio = m.get("cpu_ratio_median_of_pairs");
        rows.add(new ResultRow(FIGURE, setting, "coord. CPU s/round", m.get("fedlink.cpu_s_median"), "copying",
                m.get("fedlink-copying.cpu_s_median"), cpuRatio, "ratio <= 0.5", cpuRatio == null ? null : cpuRatio <= 0.5,
                null));
        rows.add(new ResultRow(FIGURE, setting, "round s", m.get("fedlink.round_s_median"), "copying",
                m.get("fedlink-copying.round_s_median"), m.get("time_ratio_median_of_pairs"), null, null, null));
        rows.add(new ResultRow(FIGURE, setting, "transport floor CPU s/round", m.get("floor.cpu_s_median"), "copying",
                m.get("fedlink-copying.cpu_s_median"), m.get("floor_cpu_ratio_to_copying"), null, null,
                "the least any model path on grpc-java spends: pre-encoded bytes out, replies skipped unread"));
        return rows;
    }

    /**
     * Coordinator side: warm-up rounds on each, then alternating measured rounds, then the floor's rounds with
     * {@code flowControl}'s send budget, the budget the coordinators were built with.
     */
    static void measure(List<FedlinkCoordinator> coordinators, TransportFloor floor, FlowControl flowControl,
                        Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        long modelBytes = Long.parseLong(ChildProtocol.required(options, "modelBytes"));
        int tensorBytes = Integer.parseInt(ChildProtocol.required(options, "tensorBytes"));
        int rounds = Integer.parseInt(ChildProtocol.required(options, "rounds"));
        Parameters model = Payloads.model(modelBytes, tensorBytes, 1f, true);
        for (FedlinkCoordinator coordinator : coordinators) {
            coordinator.awaitConnected(clients, Duration.ofMinutes(2));
        }
        floor.awaitConnected(clients, Duration.ofMinutes(2));
        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
            for (FedlinkCoordinator coordinator : coordinators) {
                round(coordinator, model);
            }
        }
        Map<FedlinkCoordinator, List<double[]>> measured = new LinkedHashMap<>();
        coordinators.forEach(coordinator -> measured.put(coordinator, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            List<FedlinkCoordinator> order = new ArrayList<>(coordinators);
            if (r % 2 == 1) {
                Collections.reverse(order);
            }
            for (FedlinkCoordinator coordinator : order) {
                measured.get(coordinator).add(round(coordinator, model));
            }
        }
        List<List<Double>> seconds = new ArrayList<>();
        List<List<Double>> cpu = new ArrayList<>();
        for (Map.Entry<FedlinkCoordinator, List<double[]>> entry : measured.entrySet()) {
            List<Double> roundSeconds = new ArrayList<>();
            List<Double> roundCpu = new ArrayList<>();
            for (double[] result : entry.getValue()) {
                roundSeconds.add(result[0]);
                roundCpu.add(result[1]);
            }
            seconds.add(roundSeconds);
            cpu.add(roundCpu);
            String name = entry.getKey().name();
            ChildProtocol.metric(name + ".round_s_median", Rounds.median(roundSeconds));
            ChildProtocol.metric(name + ".cpu_s_median", Rounds.median(roundCpu));
        }
        ChildProtocol.metric("time_ratio_median_of_pairs", Rounds.medianOfPairedRatios(seconds.get(0), seconds.get(1)));
        ChildProtocol.metric("cpu_ratio_median_of_pairs", Rounds.medianOfPairedRatios(cpu.get(0), cpu.get(1)));
        floorRounds(floor, model, rounds, cpu.get(1), flowControl.sendBudget());
        ChildProtocol.metric("model_bytes", Payloads.tensorBytes(model));
    }

    /**
     * The transport floor's rounds, after the others (its model, its {@code fit_ins} and an {@code evaluate_ins} of the
     * same size encoded once beforehand and not counted): a warm-up round and {@code rounds} measured, each the two
     * fan-outs plus a full collection as for the others. Reports their medians and the quotient of the floor's median
     * CPU and the copying path's.
     */
    private static void floorRounds(TransportFloor floor, Parameters model, int rounds, List<Double> copyingCpu,
                                    long budget) throws Exception {
        byte[] fitIns = Payloads.fitIns(model).toByteArray();
        byte[] evaluateIns = Payloads.evaluateIns(model).toByteArray();
        List<Double> seconds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int r = 0; r <= rounds; r++) {
            long cpuBefore = HeapProbe.processCpuNanos();
            long started = System.nanoTime();
            floor.fanOut(fitIns, budget, CoordinatorMain.REPLY_TIMEOUT);
            floor.fanOut(evaluateIns, budget, CoordinatorMain.REPLY_TIMEOUT);
            double roundSeconds = (System.nanoTime() - started) / 1e9;
            System.gc();
            if (r > 0) {
                seconds.add(roundSeconds);
                cpu.add((HeapProbe.processCpuNanos() - cpuBefore) / 1e9);
            }
        }
        double floorCpu = Rounds.median(cpu);
        ChildProtocol.metric("floor.round_s_median", Rounds.median(seconds));
        ChildProtocol.metric("floor.cpu_s_median", floorCpu);
        ChildProtocol.metric("floor_cpu_ratio_to_copying", floorCpu / Rounds.median(copyingCpu));
    }

    /**
     * The flow control of the figure's three servers: fedlink's defaults with the plan's send budget, or the defaults
     * (half the coordinator's direct memory) when the plan says 0.
     */
    static FlowControl flowControl(Map<String, String> options) {
        long budget = Long.parseLong(ChildProtocol.required(options, "sendBudget"));
        return budget == 0 ? FlowControl.defaults() : new FlowControl(budget, FlowControl.defaults().largeRepliesAtOnce());
    }

    /** One fit round with FedAvg and one evaluate round; returns {seconds, coordinator CPU seconds}. */
    private static double[] round(FedlinkCoordinator coordinator, Parameters model) throws InterruptedException {
        List<ClientProxy> clients = coordinator.clientManager().all();
        FanOut fanOut = new FanOut(clients.size(), CoordinatorMain.REPLY_TIMEOUT);
        long cpu = HeapProbe.processCpuNanos();
        long started = System.nanoTime();
        FanOutSummary fit;
        Parameters updated;
        try (FitAggregator aggregator = new FedAvg().fitAggregator(1, model)) {
            fit = fanOut.stream(clients, Payloads.fitIns(model), (client, reply) -> aggregator.add(client, reply.getFitRes()));
            FitAggregate aggregate = aggregator.result(fit.failures());
            updated = aggregate.parameters().orElseThrow(() -> new IllegalStateException(coordinator.name()
                    + ": FedAvg made no model: " + aggregate.failureReason()));
        }
        FanOutSummary evaluate = fanOut.stream(clients, Payloads.evaluateIns(updated), (client, reply) -> { });
        double seconds = (System.nanoTime() - started) / 1e9;
        System.gc(); // this round's garbage is collected on this round's account
        double cpuSeconds = (HeapProbe.processCpuNanos() - cpu) / 1e9;
        if (!fit.failures().isEmpty() || !evaluate.failures().isEmpty()) {
            throw new IllegalStateException(coordinator.name() + ": a client failed: " + fit.failures() + " "
                    + evaluate.failures());
        }
        return new double[] {seconds, cpuSeconds};
    }
}
