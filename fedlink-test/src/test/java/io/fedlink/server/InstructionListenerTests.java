package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.client.Connection;
import io.fedlink.server.InstructionListener.Outcome;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instruction listeners (metrics) have recorded an instruction's outcome by the time its caller sees it, so what a
 * caller reads right after a call returned or threw already counts that call, even on a slow, loaded machine.
 */
class InstructionListenerTests {

    /**
     * Stands for a listener that a loaded machine makes slow. It records only once the caller has seen the outcome
     * ({@code callerSawOutcome}) or a second has passed: if the caller can see the outcome first, it finds nothing
     * recorded (the defect); if the listener runs first, the caller waits that second and then finds it recorded.
     */
    private final CountDownLatch callerSawOutcome = new CountDownLatch(1);
    private final List<Outcome> recorded = new CopyOnWriteArrayList<>();
    private final InstructionListener slowListener = (client, instruction, outcome, duration, sent, received) -> {
        try {
            callerSawOutcome.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recorded.add(outcome);
    };

    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        coordinator.close();
    }

    @Test
    void aTimedOutCallIsRecordedBeforeItsCallerSeesTheTimeout() throws Exception {
        coordinator = TestCoordinator.inProcess().replyTimeout(Duration.ofMillis(100)).timeoutPolicy(TimeoutPolicy.KEEP)
                .instructionListener(slowListener).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            ClientProxy client = coordinator.clientManager().getClients(1).get(0);

            assertThatThrownBy(() -> client.run(TestMessages.evaluateIns())).isInstanceOf(ClientReplyTimeoutException.class);

            assertThat(recorded).containsExactly(Outcome.TIMEOUT);
            callerSawOutcome.countDown();
        }
    }

    @Test
    void anAnsweredCallIsRecordedBeforeItsCallerGetsTheReply() throws Exception {
        coordinator = TestCoordinator.inProcess().instructionListener(slowListener).start();
        try (Connection connection = coordinator.connectionTemplate().connect()) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                connection.consume();
                connection.dispatch(TestMessages.fitRes(1));
            });
            ClientProxy client = coordinator.clientManager().getClients(1).get(0);

            assertThat(client.run(TestMessages.fitIns(10)).getFitRes().getNumExamples()).isEqualTo(1);

            assertThat(recorded).containsExactly(Outcome.OK);
            callerSawOutcome.countDown();
            answering.get(10, TimeUnit.SECONDS);
        }
    }
}
