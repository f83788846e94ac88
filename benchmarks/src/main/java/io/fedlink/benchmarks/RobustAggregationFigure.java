package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.FedMedian;
import io.fedlink.strategy.FitAggregate;
import io.fedlink.strategy.FitAggregator;
import io.fedlink.strategy.Krum;
import io.fedlink.strategy.RobustStrategy;
import io.fedlink.strategy.StrategyOptions;
import io.fedlink.strategy.aggregate.UpdateStore;
import io.fedlink.test.DetachedClients;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Figure 5, robust aggregation memory: FedMedian and Krum need every update of a round at once. N updates of the
 * model's size are fed one at a time to the strategy's aggregator (as the round loop feeds replies as they arrive;
 * each update is dropped once added, as a parsed reply is), then the aggregate is computed. Peak live heap above the
 * idle JVM's, as a multiple of the model size (the coordinator's global model counts as 1, as in figure 4, and so
 * does the update being added). fedlink keeps updates on the heap up to
 * its default budget (64 MiB) and spills the rest to a memory-mapped temporary file; keep-all is the same code with an
 * unlimited budget, every update on the heap as Flower keeps them. Keep-all runs only where it fits the child heap;
 * past that the row shows the (N + 1) x model it would need. No network: figure 4 covers receiving.
 */
final class RobustAggregationFigure {

    static final String FIGURE = "5 robust aggregation";
    static final double TARGET_MULTIPLE = 4;

    private RobustAggregationFigure() {
    }

    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        List<ResultRow> rows = new ArrayList<>();
        long modelBytes = plan.robustModelBytes();
        for (String strategy : List.of("FedMedian", "Krum")) {
            for (int clients : plan.robustClients()) {
                String setting = strategy + ", " + clients + " x " + (modelBytes / BenchmarkPlan.MIB) + " MiB";
                System.out.println("figure 5: " + setting);
                Outcome fedlink = measureIn(plan, launcher, strategy, "fedlink", clients);
                Double keepAll;
                String keepAllNote;
                if ((long) clients * modelBytes <= plan.robustKeepAllMaxBytes()) {
                    Outcome measured = measureIn(plan, launcher, strategy, "keep-all", clients);
                    keepAll = measured.multiple();
                    keepAllNote = "keep-all measured: " + measured.describe();
                } else {
                    keepAll = (double) (clients + 1);
                    keepAllNote = "keep-all not run (it needs " + (clients + 1) + " x model = "
                            + (clients + 1) * modelBytes / BenchmarkPlan.MIB + " MiB of heap); baseline is that need";
                }
                rows.add(new ResultRow(FIGURE, setting, "peak heap / model", fedlink.multiple(), "keep-all", keepAll,
                        ResultRow.ratio(fedlink.multiple(), keepAll), "<= 4x model",
                        fedlink.multiple() == null ? null : fedlink.multiple() <= TARGET_MULTIPLE,
                        "fedlink: " + fedlink.describe() + "; " + keepAllNote));
            }
        }
        return rows;
    }

    private record Outcome(Double multiple, Double seconds, Double spilled, String failure) {

        String describe() {
            if (failure != null) {
                return failure;
            }
            return String.format(Locale.ROOT, "%.1f s%s", seconds,
                    spilled != null && spilled > 0 ? ", updates spilled to a memory-mapped file" : ", updates on the heap");
        }
    }

    private static Outcome measureIn(BenchmarkPlan plan, Launcher launcher, String strategy, String storage, int clients)
            throws InterruptedException {
        String label = "robust-" + strategy.toLowerCase(Locale.ROOT) + "-" + storage + "-" + clients;
        ChildJvm child = launcher.coordinator(label, List.of("-Xmx" + plan.largeHeap()), "robust", Map.of(
                "strategy", strategy, "storage", storage, "clients", String.valueOf(clients),
                "modelBytes", String.valueOf(plan.robustModelBytes()), "tensorBytes", String.valueOf(plan.tensorBytes()),
                "spillDirectory", launcher.logs().resolve("spill").toString()));
        try {
            child.await(ChildProtocol.DONE, Duration.ofMinutes(30));
            return new Outcome(child.metrics().get("peak_multiple"), child.metrics().get("seconds"),
                    child.metrics().get("spilled"), null);
        } catch (ChildJvm.ChildFailedException e) {
            return new Outcome(null, null, null, storage + " did not run: " + e.getMessage());
        } finally {
            launcher.stop(child);
        }
    }

    /** The child's side: feed N updates one at a time, aggregate, report the peak live heap. */
    static void measure(Map<String, String> options) throws Exception {
        String strategyName = ChildProtocol.required(options, "strategy");
        boolean keepAll = ChildProtocol.required(options, "storage").equals("keep-all");
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        long modelBytes = Long.parseLong(ChildProtocol.required(options, "modelBytes"));
        int tensorBytes = Integer.parseInt(ChildProtocol.required(options, "tensorBytes"));
        Path spillDirectory = Path.of(ChildProtocol.required(options, "spillDirectory"));
        Files.createDirectories(spillDirectory);
        UpdateStore.Settings storage = new UpdateStore.Settings(
                keepAll ? Long.MAX_VALUE : UpdateStore.Settings.DEFAULT_HEAP_BUDGET, spillDirectory);
        StrategyOptions anyOne = StrategyOptions.builder().minClients(1).build();
        RobustStrategy strategy = strategyName.equals("Krum") ? new Krum(anyOne, 0, 0, storage) : new FedMedian(anyOne, storage);
        HeapProbe.liveHeapBytes();
        long baseHeap = HeapProbe.liveHeapBytes(); // measured before the global model: it counts as 1, as in figure 4
        Parameters start = Payloads.model(modelBytes, tensorBytes, 0f, true);
        long tensorTotal = Payloads.tensorBytes(start);
        long started = System.nanoTime();
        Parameters result;
        boolean spilled;
        try (PeakLiveHeapSampler sampler = new PeakLiveHeapSampler(500, false);
             FitAggregator aggregator = strategy.fitAggregator(1, start)) {
            for (int k = 0; k < clients; k++) {
                ClientMessage.FitRes update = ClientMessage.FitRes.newBuilder().setNumExamples(1 + k)
                        .setParameters(Payloads.model(modelBytes, tensorBytes, k, true)).build();
                sampler.sample(); // the update in flight, next to what the aggregator holds
                aggregator.add(client(k), update);
            }
            sampler.sample();
            FitAggregate aggregate = aggregator.result(List.of());
            result = aggregate.parameters().orElseThrow(() -> new IllegalStateException(aggregate.failureReason()));
            sampler.sample();
            spilled = aggregatorSpilled(spillDirectory);
            ChildProtocol.metric("peak_used_above_idle_bytes", sampler.peakUsedBytes() - baseHeap);
            ChildProtocol.metric("peak_multiple", (sampler.peakUsedBytes() - baseHeap) / (double) tensorTotal);
        }
        ChildProtocol.metric("seconds", (System.nanoTime() - started) / 1e9);
        ChildProtocol.metric("spilled", spilled ? 1 : 0);
        try (Stream<Path> left = Files.list(spillDirectory)) {
            ChildProtocol.metric("spill_files_left", left.count());
        }
        check(strategyName, result, clients);
        ChildProtocol.metric("model_bytes", tensorTotal);
    }

    /** Client k sent k everywhere: the median is (n - 1) / 2; Krum picks an update whose values are all equal. */
    private static void check(String strategy, Parameters result, int clients) {
        FloatBuffer first = NpyFloat32.floats(result.getTensors(0));
        float value = first.get(0);
        float expected = strategy.equals("Krum") ? value : (clients - 1) / 2f;
        if (Math.abs(value - expected) > 1e-4 || Math.abs(first.get(first.limit() - 1) - value) > 1e-4) {
            throw new IllegalStateException(strategy + " aggregate is wrong: " + value + ", expected " + expected);
        }
    }

    private static boolean aggregatorSpilled(Path spillDirectory) throws IOException {
        try (Stream<Path> files = Files.list(spillDirectory)) {
            return files.findAny().isPresent();
        }
    }

    private static ClientProxy client(int k) {
        return DetachedClients.named("client-" + k);
    }
}
