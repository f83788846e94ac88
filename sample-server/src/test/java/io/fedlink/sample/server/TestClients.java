package io.fedlink.sample.server;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionTemplate;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real fedlink clients for tests: each a {@link ClientRunner} answering with a {@link PacedLogisticClient} over its
 * own TCP channel to the coordinator. {@link #close()} opens the gate, stops the runners and closes the channels.
 */
final class TestClients implements AutoCloseable {

    final RoundGate gate;
    private final List<ClientRunner> runners = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    private TestClients(int count) {
        gate = new RoundGate(count);
    }

    /** Starts {@code count} clients against 127.0.0.1:{@code grpcPort}; none may fit before {@code gate.allow}. */
    static TestClients start(int grpcPort, int count, int features, Duration fitDelay) {
        TestClients clients = new TestClients(count);
        for (int i = 0; i < count; i++) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            clients.channels.add(channel);
            ClientRunner runner = new ClientRunner(
                    new ConnectionTemplate(channel, 64 * 1024 * 1024, "127.0.0.1:" + grpcPort),
                    new PacedLogisticClient(i, features, clients.gate, fitDelay),
                    ClientRunnerSettings.defaults());
            clients.runners.add(runner);
            runner.start();
        }
        return clients;
    }

    @Override
    public void close() throws InterruptedException {
        gate.open();
        runners.forEach(ClientRunner::stop);
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
