package io.fedlink.benchmarks;

import io.fedlink.server.FlowControl;
import io.fedlink.wire.ModelTransfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The coordinator JVM: {@code CoordinatorMain <workload> key=value...} with workload {@code roundtrip},
 * {@code transfer} (both coordinators), {@code scale} ({@code implementation=fedlink|raw}), {@code aggregation}
 * (fedlink's coordinator), {@code robust} (a robust strategy's aggregator alone, figure 5), {@code relay} and
 * {@code relay-root} (figure 6), {@code training} (fedlink's coordinator on its model path and on the copying path,
 * and the transport floor, figure 7) or {@code python-clients} (fedlink's coordinator training Python client processes, figure 8). Announces
 * its port(s), waits for the fleet, measures, prints metrics and {@code DONE} (see {@link ChildProtocol}), and exits.
 */
public final class CoordinatorMain {

    /** Long enough never to fire in a benchmark: a timeout would be a failure, not a figure. */
    static final Duration REPLY_TIMEOUT = Duration.ofMinutes(10);

    private CoordinatorMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.exitWhenDriverLetsGo();
        int status = 0;
        try {
            if (args.length == 0) {
                throw new IllegalArgumentException("usage: CoordinatorMain roundtrip|transfer|scale|aggregation|robust|relay|relay-root|"
                        + "training|python-clients key=value...");
            }
            Map<String, String> options = ChildProtocol.arguments(args, 1);
            switch (args[0]) {
                case "roundtrip", "transfer" -> bothCoordinators(args[0], options);
                case "scale" -> {
                    try (CoordinatorUnderTest coordinator = create(ChildProtocol.required(options, "implementation"))) {
                        ScaleFigure.measure(coordinator, options);
                    }
                }
                case "robust" -> RobustAggregationFigure.measure(options);
                case "training" -> trainingRound(options);
                case "python-clients" -> PythonClientsFigure.train(options);
                case "relay" -> RelayFigure.relay(options);
                case "relay-root" -> {
                    try (FedlinkCoordinator coordinator = new FedlinkCoordinator(REPLY_TIMEOUT)) {
                        RelayFigure.root(coordinator, options);
                    }
                }
                case "aggregation" -> {
                    try (FedlinkCoordinator coordinator = new FedlinkCoordinator(REPLY_TIMEOUT,
                            AggregationFigure.flowControl(options))) {
                        AggregationFigure.measure(coordinator, options);
                    }
                }
                default -> throw new IllegalArgumentException("unknown workload " + args[0]);
            }
            ChildProtocol.say(ChildProtocol.DONE, "");
        } catch (Throwable e) {
            e.printStackTrace();
            ChildProtocol.say(ChildProtocol.FAILED, String.valueOf(e).replace('\n', ' '));
            status = 1;
        }
        System.exit(status);
    }

    private static void bothCoordinators(String workload, Map<String, String> options) throws Exception {
        List<CoordinatorUnderTest> coordinators = new ArrayList<>();
        try {
            coordinators.add(create("fedlink"));
            coordinators.add(create("raw"));
            for (CoordinatorUnderTest coordinator : coordinators) {
                ChildProtocol.say(ChildProtocol.PORT, coordinator.name() + " " + coordinator.port());
            }
            if (workload.equals("roundtrip")) {
                RoundTripFigure.measure(coordinators, options);
            } else {
                TransferFigure.measure(coordinators, options);
            }
        } finally {
            coordinators.forEach(CoordinatorUnderTest::close);
        }
    }

    /** The model path against the copying path it replaced, one fleet joined to both. */
    private static void trainingRound(Map<String, String> options) throws Exception {
        List<FedlinkCoordinator> coordinators = new ArrayList<>();
        try (TransportFloor floor = new TransportFloor()) {
            FlowControl flowControl = TrainingRoundFigure.flowControl(options);
            coordinators.add(new FedlinkCoordinator(REPLY_TIMEOUT, flowControl, ModelTransfer.ZERO_COPY));
            coordinators.add(new FedlinkCoordinator(REPLY_TIMEOUT, flowControl, ModelTransfer.COPYING));
            for (FedlinkCoordinator coordinator : coordinators) {
                ChildProtocol.say(ChildProtocol.PORT, coordinator.name() + " " + coordinator.port());
            }
            ChildProtocol.say(ChildProtocol.PORT, floor.name() + " " + floor.port());
            TrainingRoundFigure.measure(coordinators, floor, flowControl, options);
        } finally {
            coordinators.forEach(FedlinkCoordinator::close);
        }
    }

    private static CoordinatorUnderTest create(String implementation) {
        return switch (implementation) {
            case "fedlink" -> new FedlinkCoordinator(REPLY_TIMEOUT);
            case "raw" -> new RawCoordinator();
            default -> throw new IllegalArgumentException("unknown implementation " + implementation + " (fedlink, raw)");
        };
    }
}
