package io.fedlink.sample.server;

import io.fedlink.test.TestFederation;
import java.time.Duration;

/**
 * Real fedlink clients for tests: a {@link TestFederation} of {@link PacedLogisticClient}s, each on its own TCP
 * channel to the coordinator. {@link #close()} opens the gate, then stops the clients.
 */
final class TestClients implements AutoCloseable {

    final RoundGate gate;
    private final TestFederation federation;

    private TestClients(RoundGate gate, TestFederation federation) {
        this.gate = gate;
        this.federation = federation;
    }

    /** Starts {@code count} clients against 127.0.0.1:{@code grpcPort}; none may fit before {@code gate.allow}. */
    static TestClients start(int grpcPort, int count, int features, Duration fitDelay) {
        RoundGate gate = new RoundGate(count);
        TestFederation federation = TestFederation.connectingTo("127.0.0.1", grpcPort).maxMessageSize(64 * 1024 * 1024);
        federation.start(count, index -> new PacedLogisticClient(index, features, gate, fitDelay));
        return new TestClients(gate, federation);
    }

    @Override
    public void close() {
        gate.open();
        federation.close();
    }
}
