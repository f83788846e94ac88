package io.fedlink.benchmarks;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * The sizes and durations of one benchmark run. {@link #quick()} keeps every figure to seconds with small sizes
 * (CI runs it so the benchmarks keep working); {@link #full()} is the run the published table comes from.
 *
 * @param mode                     "quick" or "full"
 * @param smallMessageBytes        tensor bytes of the small {@code fit_ins}/{@code fit_res} (figures 1 and 3)
 * @param roundTripClients         K of figure 1
 * @param roundTripWarmupMillis    warm-up per coordinator, per K
 * @param roundTripWindowMillis    length of one measured window
 * @param roundTripPairs           measured windows per coordinator, alternating fedlink and raw
 * @param transferClients          K of figure 2
 * @param transferModelBytes       model sizes of figure 2
 * @param transferRounds           measured rounds per coordinator and size, alternating, after one warm-up round each
 * @param tensorBytes              largest tensor of a model (models are split into tensors of this size)
 * @param scaleClients             client counts of figure 3
 * @param scaleStreamsPerConnection streams sharing one TCP connection in figure 3 (1: one connection per client)
 * @param scaleFanOuts             measured fan-outs per count, after one warm-up
 * @param aggregationClients       update counts of figure 4
 * @param aggregationInFlight      figure 4 runs: 0 sends all instructions at once, c &gt; 0 keeps at most c outstanding
 * @param aggregationModelBytes    model (and update) size of figure 4
 * @param aggregationSampleMillis  pause between two live-heap samples in figure 4
 * @param aggregationSendBudget    fedlink's send budget (fedlink.server.flow-control.send-budget) in figure 4's
 *                                 all-at-once runs, whose peak direct memory is reported next to the same fan-out
 *                                 without a budget
 * @param robustClients            update counts of figure 5
 * @param robustModelBytes         model (and update) size of figure 5
 * @param robustKeepAllMaxBytes    figure 5 measures keep-all only when all updates together are at most this big
 * @param relays                   R of figure 6: relay JVMs between the root and the clients
 * @param relayClients             N of figure 6: clients in all, split evenly over the relays
 * @param relayStreamsPerConnection streams sharing one TCP connection in figure 6 (the open-files limit)
 * @param relayFlatClients         clients of the one coordinator figure 6 compares with, in the same run
 * @param relayMaxInFlight         {@code fedlink.relay.max-in-flight} of figure 6's relays
 * @param trainingClients          K of figure 7
 * @param trainingModelBytes       model sizes of figure 7
 * @param trainingRounds           measured rounds per coordinator of figure 7, alternating, after
 *                                 {@value TrainingRoundFigure#WARM_UP_ROUNDS} warm-up rounds each
 * @param trainingSendBudget       send budget in bytes of all three servers of figure 7 (model path, copying path,
 *                                 transport floor); 0: fedlink's default, half the coordinator's direct memory
 * @param pythonClients            Python client processes of figure 8
 * @param pythonModelBytes         model size of figure 8 (its frozen float32 tensor)
 * @param pythonRounds             rounds of each run of figure 8 (the first is not measured)
 * @param pythonRuns               runs of each server in figure 8, alternating
 * @param largeHeap                -Xmx of coordinators and fleets that hold models (figures 2, 4, 5, 7 and 8)
 * @param smallHeap                -Xmx of the other JVMs
 */
record BenchmarkPlan(String mode, int smallMessageBytes,
                     List<Integer> roundTripClients, long roundTripWarmupMillis, long roundTripWindowMillis, int roundTripPairs,
                     int transferClients, List<Long> transferModelBytes, int transferRounds, int tensorBytes,
                     List<Integer> scaleClients, int scaleStreamsPerConnection, int scaleFanOuts,
                     List<Integer> aggregationClients, List<Integer> aggregationInFlight, long aggregationModelBytes, long aggregationSampleMillis,
                     long aggregationSendBudget,
                     List<Integer> robustClients, long robustModelBytes, long robustKeepAllMaxBytes,
                     int relays, int relayClients, int relayStreamsPerConnection, int relayFlatClients, int relayMaxInFlight,
                     List<Integer> trainingClients, List<Long> trainingModelBytes, int trainingRounds,
                     long trainingSendBudget,
                     int pythonClients, long pythonModelBytes, int pythonRounds, int pythonRuns,
                     String largeHeap, String smallHeap) {

    static final long MIB = 1024 * 1024;

    /**
     * This plan with one setting replaced, for example {@code with("scaleClients", "20000,40000")} or
     * {@code with("largeHeap", "8g")}: lists are comma-separated, sizes in bytes.
     *
     * @throws IllegalArgumentException naming the setting if there is no such setting or the value does not parse
     */
    BenchmarkPlan with(String name, String value) {
        RecordComponent[] components = BenchmarkPlan.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            try {
                values[i] = component.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (component.getName().equals(name)) {
                found = true;
                values[i] = parse(component, value);
            }
        }
        if (!found) {
            List<String> names = new ArrayList<>();
            for (RecordComponent component : components) {
                names.add(component.getName());
            }
            throw new IllegalArgumentException("no benchmark setting " + name + "; settings are " + names);
        }
        try {
            return BenchmarkPlan.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object parse(RecordComponent component, String value) {
        try {
            Class<?> type = component.getType();
            if (type == int.class) {
                return Integer.parseInt(value);
            }
            if (type == long.class) {
                return Long.parseLong(value);
            }
            if (type == String.class) {
                return value;
            }
            boolean longs = component.getGenericType().getTypeName().contains("Long");
            List<Object> list = new ArrayList<>();
            for (String item : value.split(",")) {
                list.add(longs ? (Object) Long.parseLong(item.trim()) : (Object) Integer.parseInt(item.trim()));
            }
            return List.copyOf(list);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("benchmark setting " + component.getName() + " cannot be " + value, e);
        }
    }

    static BenchmarkPlan quick() {
        return new BenchmarkPlan("quick", 1024,
                List.of(1, 16), 500, 400, 2,
                8, List.of(4 * MIB, 16 * MIB), 2, (int) (4 * MIB),
                List.of(200, 1000), 1, 2,
                List.of(8), List.of(0, 1), 16 * MIB, 10, 32 * MIB,
                List.of(4, 16), 8 * MIB, 128 * MIB,
                5, 500, 10, 200, 64,
                List.of(4), List.of(8 * MIB), 2, 0,
                4, MIB, 3, 1,
                "1g", "512m");
    }

    static BenchmarkPlan full() {
        return new BenchmarkPlan("full", 1024,
                List.of(1, 16, 256), 3000, 2000, 5,
                8, List.of(64 * MIB, 256 * MIB), 3, (int) (16 * MIB),
                List.of(1000, 5000, 10000), 1, 3,
                List.of(8, 32), List.of(0, 2, 1), 64 * MIB, 10, 256 * MIB,
                List.of(8, 32, 128), 64 * MIB, 2304 * MIB,
                5, 50_000, 100, 10_000, 64,
                List.of(4, 16), List.of(32 * MIB, 256 * MIB), 3, 0,
                4, 32 * MIB, 10, 2,
                "4g", "1g");
    }
}
