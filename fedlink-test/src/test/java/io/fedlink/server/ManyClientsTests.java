package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** 200 concurrent client streams over TCP on one coordinator: all registered, each answers, none lost. */
class ManyClientsTests {

    private static final int CLIENTS = 200;
    private static final int STREAMS_PER_CONNECTION = 25;

    @Test
    void twoHundredConcurrentClientsAllRegisterAndEachAnswersItsOwnInstruction() throws Exception {
        ExecutorService answering = Executors.newFixedThreadPool(16);
        List<Connection> connections = new ArrayList<>();
        try (TestCoordinator coordinator = TestCoordinator.tcp().quorumTimeout(Duration.ofSeconds(60)).start()) {
            ConnectionTemplate template = null;
            for (int i = 0; i < CLIENTS; i++) {
                if (i % STREAMS_PER_CONNECTION == 0) {
                    template = coordinator.connectionTemplate();
                }
                connections.add(template.connect());
            }
            List<ClientProxy> clients = coordinator.clientManager().getClients(CLIENTS);
            assertThat(clients).hasSize(CLIENTS);
            assertThat(clients.stream().map(ClientProxy::id).collect(Collectors.toSet())).hasSize(CLIENTS);

            // Each client echoes the payload size of its instruction, which is unique per client.
            for (Connection connection : connections) {
                answering.submit(() -> {
                    ServerMessage ins = connection.consume();
                    connection.dispatch(TestMessages.fitRes(ins.getFitIns().getParameters().getTensors(0).size()));
                    return null;
                });
            }
            Map<ClientProxy, CompletableFuture<ClientMessage>> replies = new java.util.LinkedHashMap<>();
            for (int i = 0; i < CLIENTS; i++) {
                replies.put(clients.get(i), clients.get(i).runAsync(TestMessages.fitIns(i + 1), Duration.ofSeconds(60)));
            }
            Set<Long> answered = new HashSet<>();
            int i = 0;
            for (var entry : replies.entrySet()) {
                long echoed = entry.getValue().get(60, TimeUnit.SECONDS).getFitRes().getNumExamples();
                assertThat(echoed).as("reply of %s", entry.getKey()).isEqualTo(++i);
                answered.add(echoed);
            }
            assertThat(answered).hasSize(CLIENTS);
            assertThat(coordinator.clientManager().numAvailable()).isEqualTo(CLIENTS);
        } finally {
            connections.forEach(Connection::close);
            answering.shutdownNow();
        }
    }
}
