package io.fedlink.autoconfigure;

import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.ConnectionOperations;
import io.fedlink.client.FederatedClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's {@link FederatedClient} with the application: a {@link ClientRunner} starts when the context
 * starts (connects, answers, reconnects with backoff) and stops, bounded, when it closes. Each start makes a new runner.
 */
public class FederatedClientLifecycle implements SmartLifecycle {

    private final ConnectionOperations connections;
    private final FederatedClient client;
    private final ClientRunnerSettings settings;
    private final boolean autoStartup;
    private final CompletableFuture<Void> firstTermination = new CompletableFuture<>();
    private volatile ClientRunner runner;

    public FederatedClientLifecycle(ConnectionOperations connections, FederatedClient client,
                                    ClientRunnerSettings settings, boolean autoStartup) {
        this.connections = connections;
        this.client = client;
        this.settings = settings;
        this.autoStartup = autoStartup;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        ClientRunner next = new ClientRunner(connections, client, settings);
        next.termination().whenComplete((ok, failure) -> {
            if (failure != null) {
                firstTermination.completeExceptionally(failure);
            } else {
                firstTermination.complete(null);
            }
        });
        runner = next;
        next.start();
    }

    @Override
    public synchronized void stop() {
        ClientRunner current = runner;
        if (current != null) {
            current.stop(Duration.ofSeconds(10));
        }
    }

    @Override
    public boolean isRunning() {
        ClientRunner current = runner;
        return current != null && !current.status().phase().isTerminal()
                && current.status().phase() != io.fedlink.client.ClientRunnerStatus.Phase.NEW;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    /** The current runner (status, target), or {@code null} before the first start. */
    public ClientRunner runner() {
        return runner;
    }

    /**
     * Completes when the first runner ends: normally when it was stopped or the coordinator said "shut down"
     * ({@code reconnect_ins{seconds: 0}}), exceptionally when it gave up reconnecting.
     */
    public CompletableFuture<Void> termination() {
        return firstTermination;
    }
}
