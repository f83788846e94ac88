package io.fedlink.benchmarks;

import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.relay.Relay;
import io.fedlink.relay.RelayMetrics;
import io.fedlink.relay.RelaySettings;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.fedlink.strategy.aggregate.WeightedMean;
import io.fedlink.strategy.aggregate.WeightedMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Figure 6, relays: N clients through R relays (each relay a JVM of its own: a fedlink coordinator for N/R clients and
 * one client of the root), the root a JVM of its own, one fleet JVM holding every client stream (several streams per
 * TCP connection, to stay within the open-files limit). Measured: the time for each relay to register its clients,
 * each relay's heap per client after a full GC, and one small {@code fit_ins} from the root fanned out through the
 * relays to every client, every reply folded into the relays' weighted means and those into the root's; next to one
 * coordinator holding {@code relayFlatClients} clients directly (figure 3's measurement) in the same run.
 */
final class RelayFigure {

    static final String FIGURE = "6 relays";

    private RelayFigure() {
    }

    static List<ResultRow> run(BenchmarkPlan plan, Launcher launcher) throws InterruptedException {
        int relays = plan.relays();
        int clients = plan.relayClients();
        int perRelay = clients / relays;
        int perConnection = plan.relayStreamsPerConnection();
        int connections = relays * ((perRelay + perConnection - 1) / perConnection);
        String setting = String.format("N=%,d via %d relays (%,d conn., %d in flight)", perRelay * relays, relays,
                connections, plan.relayMaxInFlight());
        System.out.println("figure 6: " + setting);
        Map<String, Double> tree = new LinkedHashMap<>();
        List<Map<String, Double>> relayMetrics = new ArrayList<>();
        String failure = null;
        try {
            measureTree(plan, launcher, relays, perRelay, tree, relayMetrics);
        } catch (ChildJvm.ChildFailedException e) {
            failure = "relays did not run: " + e.getMessage();
        }
        Map<String, Double> flat = new LinkedHashMap<>();
        String flatSetting = String.format("flat N=%,d", plan.relayFlatClients());
        try {
            flat = ScaleFigure.measureIn(plan, launcher, "fedlink", plan.relayFlatClients(), perConnection);
        } catch (ChildJvm.ChildFailedException e) {
            failure = (failure == null ? "" : failure + "; ") + "flat coordinator did not run: " + e.getMessage();
        }
        Double registered = relayMetrics.stream().map(m -> m.get("register_s")).filter(v -> v != null)
                .max(Double::compare).orElse(null);
        Double heap = relayMetrics.stream().map(m -> m.get("heap_per_client_bytes")).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).average().stream().boxed().findFirst().orElse(null);
        Double heapMax = relayMetrics.stream().map(m -> m.get("heap_per_client_bytes")).filter(v -> v != null)
                .max(Double::compare).orElse(null);
        List<ResultRow> rows = new ArrayList<>();
        rows.add(new ResultRow(FIGURE, setting, "all registered s (slowest relay)", registered, flatSetting,
                flat.get("register_s"), ResultRow.ratio(registered, flat.get("register_s")), null, null, failure));
        rows.add(new ResultRow(FIGURE, setting, "relay heap KiB/client (mean)", kib(heap), flatSetting,
                kib(flat.get("heap_per_client_bytes")), ResultRow.ratio(heap, flat.get("heap_per_client_bytes")),
                "<= 50 KiB", heap == null ? null : kib(heap) <= ScaleFigure.HEAP_TARGET_KIB,
                heapMax == null ? null : String.format("max over relays %.1f KiB", kib(heapMax))));
        Double replies = tree.get("replies_folded");
        rows.add(new ResultRow(FIGURE, setting, "fan-out+collect ms", tree.get("fanout_ms_median"), flatSetting,
                flat.get("fanout_ms_median"), ResultRow.ratio(tree.get("fanout_ms_median"), flat.get("fanout_ms_median")),
                "all registered, all folded", replies == null ? null : replies >= perRelay * relays, null));
        rows.add(new ResultRow(FIGURE, setting, "replies folded into the root", replies, flatSetting, flat.get("replies"),
                null, null, null, tree.get("root_failures") == null ? null
                : String.format("root failures %.0f, failures behind relays %.0f", tree.get("root_failures"),
                tree.get("relay_failures"))));
        rows.add(new ResultRow(FIGURE, setting, "fan-out root CPU ms", tree.get("fanout_cpu_ms_median"), flatSetting,
                flat.get("fanout_cpu_ms_median"), null, null, null, null));
        return rows;
    }

    private static Double kib(Double bytes) {
        return bytes == null ? null : bytes / 1024;
    }

    private static void measureTree(BenchmarkPlan plan, Launcher launcher, int relays, int perRelay,
                                    Map<String, Double> tree, List<Map<String, Double>> relayMetrics)
            throws InterruptedException {
        List<ChildJvm> children = new ArrayList<>();
        try {
            ChildJvm root = launcher.coordinator("relay-root", List.of("-Xmx" + plan.smallHeap()), "relay-root", Map.of(
                    "relays", String.valueOf(relays), "fanOuts", String.valueOf(plan.scaleFanOuts()),
                    "messageBytes", String.valueOf(plan.smallMessageBytes())));
            children.add(root);
            String rootPort = root.await(ChildProtocol.PORT, Duration.ofMinutes(1)).split(" ")[1];
            List<ChildJvm> relayJvms = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            for (int r = 0; r < relays; r++) {
                ChildJvm relay = launcher.coordinator("relay-" + r, List.of("-Xmx" + plan.smallHeap()), "relay", Map.of(
                        "upstreamPort", rootPort, "clients", String.valueOf(perRelay),
                        "maxInFlight", String.valueOf(plan.relayMaxInFlight())));
                children.add(relay);
                relayJvms.add(relay);
                ports.add(relay.await(ChildProtocol.PORT, Duration.ofMinutes(1)).split(" ")[1]);
            }
            ChildJvm fleet = launcher.fleet("relays", List.of("-Xmx3g"), Map.of("ports", String.join(",", ports),
                    "streams", String.valueOf(perRelay), "streamsPerConnection", String.valueOf(plan.relayStreamsPerConnection()),
                    "replyBytes", String.valueOf(plan.smallMessageBytes()), "directExecutor", "true"));
            children.add(fleet);
            for (ChildJvm relay : relayJvms) {
                relay.await(ChildProtocol.READY, Duration.ofMinutes(10));
                relayMetrics.add(new LinkedHashMap<>(relay.metrics()));
            }
            root.await(ChildProtocol.DONE, Duration.ofMinutes(10));
            tree.putAll(root.metrics());
        } finally {
            for (int i = children.size() - 1; i >= 0; i--) {
                launcher.stop(children.get(i));
            }
        }
    }

    /** A relay JVM: its own coordinator for {@code clients} streams, joined to the root once they are all connected. */
    static void relay(Map<String, String> options) throws Exception {
        int clients = Integer.parseInt(ChildProtocol.required(options, "clients"));
        int upstreamPort = Integer.parseInt(ChildProtocol.required(options, "upstreamPort"));
        int maxInFlight = Integer.parseInt(ChildProtocol.required(options, "maxInFlight"));
        HeapProbe.liveHeapBytes();
        long baseHeap = HeapProbe.liveHeapBytes();
        RegistrationClock registrations = new RegistrationClock();
        DefaultClientManager manager = new DefaultClientManager(Duration.ofMinutes(10), Integer.MAX_VALUE);
        manager.addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                registrations.registered();
            }
        });
        Server server = BenchServer.start(new ClientManagerServicer(manager, DefaultClientProxy::new,
                new StreamSettings(CoordinatorMain.REPLY_TIMEOUT, TimeoutPolicy.DROP)));
        ManagedChannel upstream = NettyChannelBuilder.forAddress("127.0.0.1", upstreamPort).usePlaintext()
                .maxInboundMessageSize(BenchServer.MAX_MESSAGE_BYTES).build();
        Relay relay = new Relay(new ConnectionTemplate(upstream, BenchServer.MAX_MESSAGE_BYTES, "127.0.0.1:" + upstreamPort),
                manager, new RelaySettings(clients, CoordinatorMain.REPLY_TIMEOUT, CoordinatorMain.REPLY_TIMEOUT,
                maxInFlight, true, true), ClientRunnerSettings.defaults());
        ChildProtocol.say(ChildProtocol.PORT, "relay " + server.getPort());
        if (!manager.waitFor(clients, Duration.ofMinutes(8))) {
            throw new TimeoutException(manager.numAvailable() + " of " + clients + " clients connected within 8 minutes");
        }
        ChildProtocol.metric("register_s", registrations.spanNanos() / 1e9);
        Thread.sleep(500);
        HeapProbe.liveHeapBytes();
        long heap = HeapProbe.liveHeapBytes();
        ChildProtocol.metric("heap_per_client_bytes", (heap - baseHeap) / (double) clients);
        ChildProtocol.metric("live_heap_bytes", heap);
        relay.start();
        ChildProtocol.say(ChildProtocol.READY, String.valueOf(clients));
        Thread.currentThread().join(); // until the driver lets go
    }

    /** The root JVM: waits for the relays, then fans one small fit_ins out through them and folds their answers. */
    static void root(FedlinkCoordinator coordinator, Map<String, String> options) throws Exception {
        int relays = Integer.parseInt(ChildProtocol.required(options, "relays"));
        int fanOuts = Integer.parseInt(ChildProtocol.required(options, "fanOuts"));
        int messageBytes = Integer.parseInt(ChildProtocol.required(options, "messageBytes"));
        Parameters model = Payloads.model(messageBytes, messageBytes, 1f, true);
        ServerMessage instruction = Payloads.fitIns(model);
        ChildProtocol.say(ChildProtocol.PORT, "root " + coordinator.port());
        coordinator.awaitConnected(relays, Duration.ofMinutes(10));
        List<ClientProxy> joined = coordinator.clientManager().all();
        FanOut fanOut = new FanOut(relays, CoordinatorMain.REPLY_TIMEOUT);
        fold(fanOut, joined, model, instruction, new double[4]); // warm-up
        List<Double> millis = new ArrayList<>();
        List<Double> cpuMillis = new ArrayList<>();
        double[] folded = new double[4];
        for (int i = 0; i < fanOuts; i++) {
            long cpu = HeapProbe.processCpuNanos();
            long started = System.nanoTime();
            fold(fanOut, joined, model, instruction, folded);
            millis.add((System.nanoTime() - started) / 1e6);
            cpuMillis.add((HeapProbe.processCpuNanos() - cpu) / 1e6);
        }
        ChildProtocol.metric("fanout_ms_median", Rounds.median(millis));
        ChildProtocol.metric("fanout_ms_max", millis.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        ChildProtocol.metric("fanout_cpu_ms_median", Rounds.median(cpuMillis));
        ChildProtocol.metric("replies_folded", folded[0]);
        ChildProtocol.metric("examples_folded", folded[1]);
        ChildProtocol.metric("relay_failures", folded[2]);
        ChildProtocol.metric("root_failures", folded[3]);
    }

    /** One round trip through the relays: {replies folded, examples, failures behind relays, relays failed}. */
    private static void fold(FanOut fanOut, List<ClientProxy> relays, Parameters model, ServerMessage instruction,
                             double[] folded) throws InterruptedException {
        WeightedMean mean = new WeightedMean(model);
        WeightedMetrics counts = new WeightedMetrics();
        FanOutSummary summary = fanOut.stream(relays, instruction, (relay, reply) -> {
            ClientMessage.FitRes result = reply.getFitRes();
            mean.add(relay.id(), result.getParameters(), result.getNumExamples());
            counts.add(result.getMetricsMap(), result.getNumExamples());
        });
        mean.result();
        Map<String, Double> totals = counts.averages();
        folded[0] = totals.getOrDefault(RelayMetrics.REPLIES, 0.0);
        folded[1] = mean.totalWeight();
        folded[2] = totals.getOrDefault(RelayMetrics.FAILURES, 0.0);
        folded[3] = summary.failures().size();
    }
}
