package io.fedlink.client;

import io.grpc.ManagedChannelBuilder;
import java.util.List;
import java.util.Map;

/**
 * How a client uses a target that names several coordinators (relays): gRPC's own {@code pick_first} load balancing
 * with {@code shuffleAddressList} (gRFC A62). Each client takes the resolved addresses in its own random order and keeps
 * the first that answers, so many clients spread evenly over the relays; when a client's relay dies its stream fails,
 * and the client's next stream ({@link ClientRunner} reconnects by itself) goes to the next address that answers.
 * The addresses come from gRPC's name resolution: {@code dns:///relays.fedlink.svc:9090} (a Kubernetes headless Service
 * resolves to every relay pod) in plain Java, or also {@code static://relay-1:9090,relay-2:9090} with the gRPC Spring
 * Boot starter on the class path. gRPC's {@code round_robin} spreads the calls of one channel, but a client has one
 * stream; shuffling spreads the clients themselves.
 *
 * <pre>{@code
 * ManagedChannel channel = AddressSpreading.apply(NettyChannelBuilder.forTarget("dns:///relays.fedlink.svc:9090"))
 *         .usePlaintext().build();
 * ConnectionTemplate relays = new ConnectionTemplate(channel, 512 << 20, "relays.fedlink.svc:9090");
 * }</pre>
 */
public final class AddressSpreading {

    private AddressSpreading() {
    }

    /** The gRPC service config: {@code {"loadBalancingConfig": [{"pick_first": {"shuffleAddressList": true}}]}}. */
    public static Map<String, ?> serviceConfig() {
        return Map.of("loadBalancingConfig", List.of(Map.of("pick_first", Map.of("shuffleAddressList", true))));
    }

    /** Gives {@code builder} the {@link #serviceConfig()} as its default, and returns it. */
    public static <T extends ManagedChannelBuilder<T>> T apply(T builder) {
        return builder.defaultServiceConfig(serviceConfig());
    }
}
