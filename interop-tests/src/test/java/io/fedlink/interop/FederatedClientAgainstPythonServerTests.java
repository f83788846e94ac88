package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.autoconfigure.FederatedClientLifecycle;
import io.fedlink.autoconfigure.FedlinkClientAutoConfiguration;
import io.fedlink.autoconfigure.FedlinkClientRunnerAutoConfiguration;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerListener;
import io.fedlink.client.ClientRunnerStatus;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * fedlink's typed client ({@link ClientRunner} answering through a {@link FederatedClient}) against a Flower-style
 * Python server, plainly and as a Spring application configured by its keys. A Flower server sends the first
 * message and ends training with {@code reconnect_ins{seconds: 0}}, after which the runner stops.
 *
 * <p>The hand-shake: {@code fedlink.client.send-handshake} is off by default, which is right for Flower servers (they
 * take any first client message as the reply to their first instruction) and for fedlink coordinators (they work
 * with or without it). Turn it on only for a seed-style server that waits for the client to speak first.
 */
class FederatedClientAgainstPythonServerTests {

    private static final Duration SERVER_DONE = Duration.ofSeconds(120);
    /** One get_parameters, fit and evaluate per round, and the final reconnect. */
    private static final long ANSWERS_FOR_3_ROUNDS = 1 + 3 * 2 + 1;

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);
    private ManagedProcess server;

    @Test
    void clientRunnerCompletesEveryRoundOfAFlowerStyleServerAndStopsOnReconnectWithZeroSeconds() throws Exception {
        int port = startServer();
        CoordinatorChannel coordinator = fixture.closeAtEnd(
                CoordinatorChannel.forTarget("127.0.0.1:" + port).usePlaintext().build());
        TypedTestClient client = new TypedTestClient();
        List<String> events = new CopyOnWriteArrayList<>();
        ClientRunner runner = coordinator.runner(client, new RecordingListener(events));

        runner.start();

        server.awaitSuccess(SERVER_DONE);
        assertThat(server.output()).contains("ROUND 3 evaluate ok", "disconnect_res RECONNECT", "DONE OK");
        runner.termination().get(30, TimeUnit.SECONDS); // completes normally: stopped, not failed
        ClientRunnerStatus status = runner.status();
        assertThat(status.phase()).isEqualTo(ClientRunnerStatus.Phase.STOPPED);
        assertThat(status.sessions()).as("no reconnect after seconds=0").isEqualTo(1);
        assertThat(status.instructionsAnswered()).isEqualTo(ANSWERS_FOR_3_ROUNDS);
        assertThat(status.lastError()).isNull();
        assertThat(client.handled()).containsExactly("getParameters", "fit", "evaluate", "fit", "evaluate", "fit",
                "evaluate");
        assertThat(events).containsExactly("connected 1", "disconnected by this client");
    }

    @Test
    void springClientWithDefaultSettingsSendsNoHandshakeSoAFlowerStyleServerDrivesItToTheEnd() throws Exception {
        int port = startServer();

        springClient(port).run(context -> {
            assertThat(context).hasNotFailed();
            FederatedClientLifecycle lifecycle = context.getBean(FederatedClientLifecycle.class);

            server.awaitSuccess(SERVER_DONE);
            lifecycle.termination().get(30, TimeUnit.SECONDS);
            assertThat(lifecycle.runner().status().phase()).isEqualTo(ClientRunnerStatus.Phase.STOPPED);
            assertThat(lifecycle.runner().status().instructionsAnswered()).isEqualTo(ANSWERS_FOR_3_ROUNDS);
            assertThat(lifecycle.isRunning()).isFalse();
        });
        assertThat(server.output()).contains("DONE OK");
    }

    @Test
    void springClientWithSendHandshakeOnIsTakenAsAWrongReplyByAFlowerStyleServer() throws Exception {
        int port = startServer();

        springClient(port).withPropertyValues("fedlink.client.send-handshake=true").run(context -> {
            assertThat(context).hasNotFailed();

            assertThat(server.awaitExit(SERVER_DONE)).as(server.describe()).isEqualTo(1);
        });
        assertThat(server.output()).contains("answered get_parameters_ins with an empty ClientMessage");
    }

    @Test
    void springClientWithSendHandshakeOnIsServedByAFedlinkCoordinatorAsWell() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());

        springClient(coordinator.port()).withPropertyValues("fedlink.client.send-handshake=true").run(context -> {
            assertThat(context).hasNotFailed();
            ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);

            assertThat(client.getParameters(ServerMessage.GetParametersIns.getDefaultInstance()).getStatus().getCode())
                    .isEqualTo(Code.OK);
            client.reconnect(0);

            FederatedClientLifecycle lifecycle = context.getBean(FederatedClientLifecycle.class);
            lifecycle.termination().get(30, TimeUnit.SECONDS);
            assertThat(lifecycle.runner().status().sessions()).isEqualTo(1);
        });
    }

    /** Starts flower_like_server.py for one client and three rounds; returns its port. */
    private int startServer() {
        server = fixture.pythonServer("python-server", "--expected-clients", "1", "--rounds", "3");
        return Integer.parseInt(server.awaitLine("^PORT (\\d+)$", Duration.ofSeconds(60)).group(1));
    }

    /** A client application as a user configures it: the gRPC starter's channel "fedlink" and a FederatedClient bean. */
    private static ApplicationContextRunner springClient(int port) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GrpcClientAutoConfiguration.class,
                        FedlinkClientAutoConfiguration.class, FedlinkClientRunnerAutoConfiguration.class))
                .withUserConfiguration(ClientApplication.class)
                .withPropertyValues("grpc.client.fedlink.address=static://127.0.0.1:" + port,
                        "grpc.client.fedlink.negotiation-type=plaintext",
                        "fedlink.client.reconnect.initial-backoff=200ms", "fedlink.client.reconnect.max-attempts=3");
    }

    @Configuration(proxyBeanMethods = false)
    static class ClientApplication {
        @Bean
        FederatedClient federatedClient() {
            return new TypedTestClient();
        }
    }

    private record RecordingListener(List<String> events) implements ClientRunnerListener {
        @Override
        public void connected(String target, int session) {
            events.add("connected " + session);
        }

        @Override
        public void connectFailed(String target, Throwable cause) {
            events.add("connect failed: " + cause);
        }

        @Override
        public void disconnected(String target, Throwable cause) {
            events.add(cause == null ? "disconnected by this client" : "disconnected: " + cause);
        }

        @Override
        public void reconnecting(String target, Duration delay, int failedAttempts) {
            events.add("reconnecting in " + delay);
        }
    }
}
