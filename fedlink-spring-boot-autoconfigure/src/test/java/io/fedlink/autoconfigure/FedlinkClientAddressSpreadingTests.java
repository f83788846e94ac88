package io.fedlink.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.AddressSpreading;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.Backoff;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.client.FederatedClient;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The relays here are real coordinators on TCP ports of 127.0.0.1.
 */
class FedlinkClientAddressSpreadingTests {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ClientRunnerSettings QUICK_RECONNECT = new ClientRunnerSettings(false,
            new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 0.2, 0));

    private final List<DefaultClientManager> managers = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<ClientRunner> runners = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void startThreeRelays() throws IOException {
        for (int i = 0; i < 3; i++) {
            DefaultClientManager manager = new DefaultClientManager(Duration.ofSeconds(5), 1000);
            ClientManagerServicer servicer = new ClientManagerServicer(manager, DefaultClientProxy::new,
                    new StreamSettings(Duration.ofSeconds(10), TimeoutPolicy.DROP));
            managers.add(manager);
            servers.add(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(servicer).build()
                    .start());
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        runners.forEach(runner -> runner.stop(Duration.ofSeconds(5)));
        channels.forEach(ManagedChannel::shutdownNow);
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String target() {
        return "static://" + servers.stream().map(server -> "127.0.0.1:" + server.getPort()).collect(Collectors.joining(","));
    }

    private int connected() {
        return managers.stream().mapToInt(DefaultClientManager::numAvailable).sum();
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
        assertThat(managers).allSatisfy(manager -> assertThat(manager.numAvailable()).isPositive());
        int onTheFirst = managers.get(0).numAvailable();

        servers.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        await().atMost(BOUND).until(() -> managers.get(1).numAvailable() + managers.get(2).numAvailable() == 30);
        assertThat(onTheFirst).isPositive();
        assertThat(managers.get(0).numAvailable()).isZero();
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
                    int first = managers.indexOf(managers.stream().filter(m -> m.numAvailable() == 1).findFirst().orElseThrow());

                    servers.get(first).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

                    await().atMost(BOUND).until(() -> connected() == 1 && managers.get(first).numAvailable() == 0);
                    runner.stop(Duration.ofSeconds(5));
                });
    }
}
