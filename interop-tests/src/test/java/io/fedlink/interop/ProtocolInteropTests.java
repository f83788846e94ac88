package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientDisconnectedException;
import io.fedlink.server.ClientException;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.server.DisconnectReason;
import io.fedlink.server.UnexpectedReplyException;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the coordinator treats Python clients that break the protocol. */
class ProtocolInteropTests {

    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final ServerMessage.FitIns FIT = ServerMessage.FitIns.newBuilder()
            .setParameters(PythonClientInteropTests.model(new float[8], new float[1])).build();

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void wrongCaseReplyFailsTheCallNamingClientAndBothCasesWhileAnotherClientIsStillServed() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        fixture.pythonClient("python-wrong-case", coordinator.target(), "--misbehave", "wrong-case");
        ClientProxy wrong = fixture.awaitClients(coordinator, 1, JOIN).get(0);
        fixture.pythonClient("python-good", coordinator.target(), "--partition", "1");
        ClientProxy good = fixture.awaitClients(coordinator, 2, JOIN).stream().filter(c -> c != wrong).findFirst().orElseThrow();

        assertThatThrownBy(() -> wrong.fit(FIT))
                .isInstanceOf(UnexpectedReplyException.class)
                .hasMessageContaining(wrong.id()).hasMessageContaining("fit_ins")
                .hasMessageContaining("evaluate_res").hasMessageContaining("expected fit_res")
                .satisfies(e -> assertThat(((ClientException) e).clientId()).isEqualTo(wrong.id()));

        ClientMessage.FitRes fit = good.fit(FIT);
        assertThat(fit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(good.evaluate(ServerMessage.EvaluateIns.newBuilder().setParameters(fit.getParameters()).build())
                .getMetricsMap()).containsKey("accuracy");
        assertThat(coordinator.clientManager().all()).contains(good);
    }

    @Test
    void hangUpDuringFitFailsTheCallPromptlyAndUnregistersTheClient() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder().replyTimeout(Duration.ofMinutes(5)));
        ManagedProcess python = fixture.pythonClient("python-client", coordinator.target(), "--misbehave", "hang-up-during-fit");
        ClientProxy client = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        // Far below the 5-minute reply timeout: the failure comes from the hang-up, not from a timer.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> client.fit(FIT))
                        .isInstanceOf(ClientDisconnectedException.class)
                        .hasMessageContaining(client.id()).hasMessageContaining("fit_ins"));

        assertThat(coordinator.clientManager().numAvailable()).isZero();
        assertThat(client.stream().disconnectReason()).hasValueSatisfying(reason ->
                assertThat(reason).isIn(DisconnectReason.CANCELLED, DisconnectReason.TRANSPORT_ERROR,
                        DisconnectReason.CLIENT_COMPLETED));
        python.awaitSuccess(Duration.ofSeconds(60));
        assertThat(python.output()).contains("HUNG-UP fit_ins");
    }

    @Test
    void silentClientTimesOutAndIsDroppedSoTheNextRoundGoesOnWithoutIt() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder().replyTimeout(Duration.ofSeconds(3)));
        ManagedProcess python = fixture.pythonClient("python-silent", coordinator.target(), "--misbehave", "silent");
        ClientProxy silent = fixture.awaitClients(coordinator, 1, JOIN).get(0);

        assertThatThrownBy(() -> silent.fit(FIT)).isInstanceOf(ClientReplyTimeoutException.class)
                .hasMessageContaining(silent.id()).hasMessageContaining("fit_ins");

        assertThat(coordinator.clientManager().all()).isEqualTo(List.of());
        python.awaitLine("^STREAM-FAILED DEADLINE_EXCEEDED .*dropped this client", Duration.ofSeconds(30));
    }
}
