package io.fedlink.benchmarks;

import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.proto.Parameters;
import io.fedlink.server.CoordinatorServer;
import io.fedlink.server.CoordinatorSettings;
import io.fedlink.strategy.FedAvg;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.process.ManagedProcess;
import io.fedlink.wire.ModelTransfer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Figure 8, Python clients: K real Flower-style Python client processes (interop-tests' {@code flower_like_client.py}
 * on Debian's Python) trained for some rounds, fit and evaluate every round, by fedlink's coordinator (FedAvg, its
 * model path) and, in alternating runs, by the Python Flower-style server ({@code flower_like_server.py}: Flower's
 * grpc-bidi loop, FedAvg in NumPy); fedlink's copying path is a third side for reference. The model is the clients'
 * logistic regression plus a frozen float32 tensor that makes it the figure's size; clients decode it, train the first
 * two tensors and send all back. Per round after the first: the time between the ends of consecutive rounds, and the
 * server process's CPU time (all threads, user + system) over it, as each server reports them with the round's end
 * (Python: {@code time.monotonic()}, {@code time.process_time()}; the JVM: {@code System.nanoTime()}, its process CPU
 * time): the same two clocks on both sides.
 */
final class PythonClientsFigure {

    static final String FIGURE = "8 Python clients";
    static final Path PYTHON_SOURCES = Path.of("interop-tests", "src", "test", "python");
    static final String ROUND = "ROUND";
    private static final Duration ROUND_BOUND = Duration.ofMinutes(5);
    private static final List<String> SIDES = List.of("fedlink", "python", "fedlink-copying");

    private PythonClientsFigure() {
    }

    /** Driver side: alternating runs of each server with fresh client processes. */
    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        int clients = plan.pythonClients();
        long frozenElements = plan.pythonModelBytes() / Float.BYTES;
        String setting = (plan.pythonModelBytes() / BenchmarkPlan.MIB) + " MiB x " + clients + " Python clients, "
                + plan.pythonRounds() + " rounds";
        Map<String, List<double[]>> measured = new LinkedHashMap<>();
        SIDES.forEach(side -> measured.put(side, new ArrayList<>()));
        try {
            for (int run = 0; run < plan.pythonRuns(); run++) {
                List<String> order = new ArrayList<>(SIDES);
                if (run % 2 == 1) {
                    Collections.reverse(order);
                }
                for (String side : order) {
                    System.out.println("figure 8: " + setting + ", run " + (run + 1) + ", " + side);
                    String label = "python-" + side + "-run" + (run + 1);
                    List<double[]> rounds = side.equals("python")
                            ? pythonServerRun(launcher, label, clients, plan.pythonRounds(), frozenElements)
                            : fedlinkRun(launcher, plan, label, side, clients, frozenElements);
                    measured.get(side).addAll(rounds);
                    launcher.record(label, summary(rounds));
                }
            }
        } catch (ChildJvm.ChildFailedException | IllegalStateException | AssertionError e) {
            return List.of(new ResultRow(FIGURE, setting, "server CPU s/round", null, "Python server", null, null, null,
                    null, "did not run: " + e.getMessage()));
        }
        return rows(setting, measured);
    }

    private static List<ResultRow> rows(String setting, Map<String, List<double[]>> measured) {
        List<ResultRow> rows = new ArrayList<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        measured.forEach((side, rounds) -> {
            seconds.put(side, Rounds.median(rounds.stream().map(r -> r[0]).toList()));
            cpu.put(side, Rounds.median(rounds.stream().map(r -> r[1]).toList()));
        });
        String note = "medians of " + measured.get("fedlink").size() + " rounds per server (rounds 2.. of every run)";
        rows.add(new ResultRow(FIGURE, setting, "server CPU s/round", cpu.get("fedlink"), "Python server",
                cpu.get("python"), ResultRow.ratio(cpu.get("fedlink"), cpu.get("python")), null, null, note));
        rows.add(new ResultRow(FIGURE, setting, "round s", seconds.get("fedlink"), "Python server", seconds.get("python"),
                ResultRow.ratio(seconds.get("fedlink"), seconds.get("python")), null, null, null));
        rows.add(new ResultRow(FIGURE, setting, "server CPU s/round", cpu.get("fedlink"), "fedlink-copying",
                cpu.get("fedlink-copying"), ResultRow.ratio(cpu.get("fedlink"), cpu.get("fedlink-copying")), null, null,
                null));
        rows.add(new ResultRow(FIGURE, setting, "round s", seconds.get("fedlink"), "fedlink-copying",
                seconds.get("fedlink-copying"), ResultRow.ratio(seconds.get("fedlink"), seconds.get("fedlink-copying")),
                null, null, null));
        return rows;
    }

    private static Map<String, Object> summary(List<double[]> rounds) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("round_s", rounds.stream().map(r -> r[0]).toList());
        summary.put("cpu_s", rounds.stream().map(r -> r[1]).toList());
        return summary;
    }

    /** fedlink's coordinator in its own JVM ({@link #train}), with fresh Python clients. */
    private static List<double[]> fedlinkRun(Launcher launcher, BenchmarkPlan plan, String label, String side, int clients,
                                             long frozenElements) throws InterruptedException {
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put("clients", String.valueOf(clients));
        arguments.put("rounds", String.valueOf(plan.pythonRounds()));
        arguments.put("frozenElements", String.valueOf(frozenElements));
        arguments.put("modelTransfer", side.equals("fedlink") ? "ZERO_COPY" : "COPYING");
        ChildJvm coordinator = launcher.coordinator(label, List.of("-Xmx" + plan.largeHeap()), "python-clients", arguments);
        List<ManagedProcess> peers = new ArrayList<>();
        try {
            String port = RoundTripFigure.port(coordinator, "fedlink");
            peers.addAll(startClients(launcher, label, port, clients));
            RoundClock clock = new RoundClock();
            for (int round = 1; round <= plan.pythonRounds(); round++) {
                clock.roundEnded(coordinator.await(ROUND, ROUND_BOUND));
            }
            coordinator.await(ChildProtocol.DONE, ROUND_BOUND);
            return clock.afterFirst();
        } finally {
            peers.forEach(ManagedProcess::close);
            launcher.stop(coordinator);
        }
    }

    /** The Python Flower-style server, with fresh Python clients. */
    private static List<double[]> pythonServerRun(Launcher launcher, String label, int clients, int rounds,
                                                  long frozenElements) throws InterruptedException {
        ManagedProcess server = launcher.python(label + "-server", PYTHON_SOURCES.resolve("flower_like_server.py"),
                List.of("--expected-clients", String.valueOf(clients), "--rounds", String.valueOf(rounds),
                        "--extra-tensor-elements", String.valueOf(frozenElements), "--join-timeout", "120",
                        "--reply-timeout", "300", "--max-seconds", "1800"));
        List<ManagedProcess> peers = new ArrayList<>();
        try {
            String port = nextLine(server, "PORT ").substring("PORT ".length()).strip();
            peers.addAll(startClients(launcher, label, port, clients));
            RoundClock clock = new RoundClock();
            for (int round = 1; round <= rounds; round++) {
                clock.roundEnded(nextLine(server, "ROUND " + round + " evaluate ok"));
            }
            nextLine(server, "DONE OK");
            return clock.afterFirst();
        } finally {
            peers.forEach(ManagedProcess::close);
            server.close();
        }
    }

    /** Reads the server's output up to the next line starting with {@code prefix}; fails on "FAIL" or its exit. */
    private static String nextLine(ManagedProcess server, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + ROUND_BOUND.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<String> line = server.nextLine(Duration.ofSeconds(1));
            if (line.isPresent() && line.get().startsWith(prefix)) {
                return line.get();
            }
            if (line.isPresent() && line.get().startsWith("FAIL")) {
                throw new IllegalStateException(server.name() + ": " + line.get() + "; see " + server.log());
            }
            if (line.isEmpty() && !server.isAlive()) {
                throw new IllegalStateException(server.name() + " exited before printing '" + prefix + "'; see "
                        + server.log() + " and " + server.errorLog());
            }
        }
        throw new IllegalStateException(server.name() + " did not print '" + prefix + "' within " + ROUND_BOUND);
    }

    private static List<ManagedProcess> startClients(Launcher launcher, String label, String port, int clients) {
        List<ManagedProcess> peers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            peers.add(launcher.python(label + "-client" + i, PYTHON_SOURCES.resolve("flower_like_client.py"),
                    List.of("--target", "127.0.0.1:" + port, "--partition", String.valueOf(i), "--on-reconnect", "exit",
                            "--max-seconds", "1800")));
        }
        return peers;
    }

    /**
     * Coordinator side: fedlink's coordinator trains the Python clients as the Python server does (the same initial
     * model, fit config and FedAvg, fit and evaluate on every client every round) and reports each round's end.
     */
    static void train(Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        int rounds = Integer.parseInt(ChildProtocol.required(options, "rounds"));
        int frozenElements = Integer.parseInt(ChildProtocol.required(options, "frozenElements"));
        CoordinatorSettings settings = CoordinatorSettings.builder().replyTimeout(ROUND_BOUND)
                .quorumTimeout(Duration.ofMinutes(2))
                .modelTransfer(ModelTransfer.valueOf(ChildProtocol.required(options, "modelTransfer"))).build();
        try (CoordinatorServer server = CoordinatorServer.forAddress("127.0.0.1", 0).settings(settings).start()) {
            ChildProtocol.say(ChildProtocol.PORT, "fedlink " + server.port());
            StrategyOptions strategy = StrategyOptions.builder().minClients(clients)
                    .onFitConfig(round -> Map.of("round", round, "local_steps", 5, "learning_rate", 0.5))
                    .onEvaluateConfig(round -> Map.of("round", round)).build();
            FederatedTraining.builder(server.clientManager(), initialModel(frozenElements)).strategy(new FedAvg(strategy))
                    .rounds(rounds).listener(new RoundListener() {
                        @Override
                        public void roundCompleted(RoundRecord record) {
                            ChildProtocol.say(ROUND, record.round() + " clock_s=" + System.nanoTime() / 1e9 + " cpu_s="
                                    + HeapProbe.processCpuNanos() / 1e9);
                        }

                        @Override
                        public void roundFailed(RoundRecord record) {
                            ChildProtocol.say(ChildProtocol.FAILED, record.describe(rounds));
                        }
                    }).build().run();
        }
    }

    /** The Python server's model: the clients' zero weights (8) and bias, and the frozen tensor it adds. */
    private static Parameters initialModel(int frozenElements) {
        float[] frozen = new float[frozenElements];
        for (int i = 0; i < frozen.length; i++) {
            frozen[i] = i % 251;
        }
        return ParametersCodec.encode(NdArray.of(new float[8]), NdArray.of(new float[1]), NdArray.of(frozen));
    }

    /** A server's clock and CPU time at the end of each round, as it reports them: {seconds, CPU seconds} of rounds 2... */
    private static final class RoundClock {
        private final List<double[]> ends = new ArrayList<>();

        /** Reads {@code clock_s=} and {@code cpu_s=} from a server's round line. */
        void roundEnded(String line) {
            ends.add(new double[] {field(line, "clock_s="), field(line, "cpu_s=")});
        }

        List<double[]> afterFirst() {
            List<double[]> rounds = new ArrayList<>();
            for (int i = 1; i < ends.size(); i++) {
                rounds.add(new double[] {ends.get(i)[0] - ends.get(i - 1)[0], ends.get(i)[1] - ends.get(i - 1)[1]});
            }
            return rounds;
        }

        private static double field(String line, String name) {
            for (String part : line.split(" ")) {
                if (part.startsWith(name)) {
                    return Double.parseDouble(part.substring(name.length()));
                }
            }
            throw new IllegalStateException("no " + name + " in the round line '" + line + "'");
        }
    }
}
