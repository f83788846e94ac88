package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.AddressSpreading;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.Backoff;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.test.TestCoordinator;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import net.devh.boot.grpc.client.nameresolver.StaticNameResolverProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A client's target that lists several relays ({@code static://h:p1,h:p2,h:p3}, resolved by the gRPC starter's name
 * resolver): clients spread over all of them, and when one dies its clients come back on the others by themselves.
 * The relays here are the kit's real coordinators on TCP ports of 127.0.0.1.
 */
class FedlinkClientAddressSpreadingTests {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ClientRunnerSettings QUICK_RECONNECT = new ClientRunnerSettings(false,
            new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 0.2, 0));

    private final List<TestCoordinator> relays = new ArrayList<>();
    private final List<ClientRunner> runners = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void startThreeRelays() {
        for (int i = 0; i < 3; i++) {
            relays.add(TestCoordinator.tcp().maxClients(1000).start());
        }
    }

    @AfterEach
    void stopAll() {
        runners.forEach(runner -> runner.stop(Duration.ofSeconds(5)));
        channels.forEach(ManagedChannel::shutdownNow);
        relays.forEach(TestCoordinator::close);
    }

    private String target() {
        return "static://" + relays.stream().map(TestCoordinator::target).collect(Collectors.joining(","));
    }

    private int connected(int relay) {
        return relays.get(relay).clientManager().numAvailable();
    }

    private int connected() {
        return connected(0) + connected(1) + connected(2);
    }

    /**
     * The plain-Java form of what the starter's channel does: gRPC's {@code java.net.URI} target parsing (which the
     * starter switches on for an address list, see {@link StaticAddressList}) and the starter's {@code static} resolver.
     */
    @Test
    void clientsSpreadOverEveryRelayAndThoseOfADeadRelayMoveToTheOthers() throws InterruptedException {
        StaticAddressList.allow(target());
        NameResolverRegistry.getDefaultRegistry().register(new StaticNameResolverProvider());
        for (int i = 0; i < 30; i++) {
            ManagedChannel channel = AddressSpreading.apply(NettyChannelBuilder.forTarget(target())).usePlaintext().build();
            channels.add(channel);
            ClientRunner runner = new ClientRunner(new ConnectionTemplate(channel, 1 << 20, target()), new FederatedClient() {
            }, QUICK_RECONNECT);
            runners.add(runner);
            runner.start();
        }
        await().atMost(BOUND).until(() -> connected() == 30);
        // Each client picks its own random order: with 30 clients, a relay left empty would take (2/3)^30 odds.
        assertThat(List.of(connected(0), connected(1), connected(2))).allSatisfy(count -> assertThat(count).isPositive());

        relays.get(0).shutdown(); // as a crash: every stream cut, the port refuses connections

        await().atMost(BOUND).until(() -> connected(1) + connected(2) == 30);
        assertThat(connected(0)).isZero();
    }

    @Test
    void theStartersFedlinkChannelMovesToAnotherRelayWhenItsRelayDies() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GrpcClientAutoConfiguration.class, FedlinkClientAutoConfiguration.class))
                .withPropertyValues("grpc.client.fedlink.address=" + target(), "grpc.client.fedlink.negotiation-type=plaintext")
                .run(context -> {
                    ClientRunner runner = new ClientRunner(context.getBean(ConnectionTemplate.class), new FederatedClient() {
                    }, QUICK_RECONNECT);
                    runners.add(runner);
                    runner.start();
                    await().atMost(BOUND).until(() -> connected() == 1);
                    int first = connected(0) == 1 ? 0 : connected(1) == 1 ? 1 : 2;

                    relays.get(first).shutdown();

                    await().atMost(BOUND).until(() -> connected() == 1 && connected(first) == 0);
                    runner.stop(Duration.ofSeconds(5));
                });
    }
}
