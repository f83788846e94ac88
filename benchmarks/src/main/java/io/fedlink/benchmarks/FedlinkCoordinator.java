package io.fedlink.benchmarks;

import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.FlowControl;
import io.fedlink.server.StreamSettings;
import io.fedlink.server.TimeoutPolicy;
import io.fedlink.server.TransportBuffers;
import io.fedlink.wire.ModelTransfer;
import io.grpc.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;

/**
 * fedlink's coordinator as an application gets it: {@link ClientManagerServicer} with a {@link DefaultClientManager}
 * and {@link DefaultClientProxy}, clients driven through {@link ClientProxy#runAsync}.
 */
final class FedlinkCoordinator implements CoordinatorUnderTest {

    private final RegistrationClock registrations = new RegistrationClock();
    private final ScheduledThreadPoolExecutor timer;
    private final DefaultClientManager clientManager;
    private final ClientManagerServicer servicer;
    private final Server server;
    private final ModelTransfer modelTransfer;

    /** As an application gets it: {@link FlowControl#defaults()}. */
    FedlinkCoordinator(Duration replyTimeout) {
        this(replyTimeout, FlowControl.defaults());
    }

    /**
     * @param replyTimeout the reply timeout every instruction gets (long: the benchmarks never want it to fire)
     * @param flowControl  the send budget and the large replies received at once
     */
    FedlinkCoordinator(Duration replyTimeout, FlowControl flowControl) {
        this(replyTimeout, flowControl, ModelTransfer.ZERO_COPY);
    }

    /**
     * @param modelTransfer how models cross gRPC's buffers (the default, or the copying path it replaced)
     */
    FedlinkCoordinator(Duration replyTimeout, FlowControl flowControl, ModelTransfer modelTransfer) {
        this.modelTransfer = modelTransfer;
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fedlink-reply-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Without this a cancelled timeout stays queued until its deadline: a million finished instructions would
        // leave a million tasks behind.
        timer.setRemoveOnCancelPolicy(true);
        clientManager = new DefaultClientManager(Duration.ofMinutes(10), Integer.MAX_VALUE);
        clientManager.addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                registrations.registered();
            }
        });
        ClientManagerServicer servicer = new ClientManagerServicer(clientManager, DefaultClientProxy::new,
                new StreamSettings(replyTimeout, TimeoutPolicy.DROP, 0, flowControl).withModelTransfer(modelTransfer), timer);
        this.servicer = servicer;
        server = BenchServer.start(servicer, builder -> TransportBuffers.applyTo(builder, modelTransfer));
    }

    @Override
    public String name() {
        return modelTransfer == ModelTransfer.ZERO_COPY ? "fedlink" : "fedlink-copying";
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public RegistrationClock registrations() {
        return registrations;
    }

    ClientManager clientManager() {
        return clientManager;
    }

    ClientManagerServicer servicer() {
        return servicer;
    }

    @Override
    public void awaitConnected(int clients, Duration timeout) throws InterruptedException, TimeoutException {
        if (!clientManager.waitFor(clients, timeout)) {
            throw new TimeoutException("fedlink: " + clientManager.numAvailable() + " of " + clients
                    + " clients connected within " + timeout);
        }
    }

    @Override
    public List<Peer> peers() {
        List<Peer> peers = new ArrayList<>();
        for (ClientProxy client : clientManager.all()) {
            peers.add((instruction, handled) -> client.runAsync(instruction, client.stream().defaultReplyTimeout(), handled));
        }
        return peers;
    }

    @Override
    public void close() {
        BenchServer.stop(server);
        timer.shutdownNow();
    }
}
