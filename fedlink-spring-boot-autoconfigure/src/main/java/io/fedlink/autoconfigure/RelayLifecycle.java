package io.fedlink.autoconfigure;

import io.fedlink.relay.Relay;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link Relay} with the application: started with the context (it waits for its clients, who join through
 * the gRPC server), stopped with it, bounded, leaving upstream.
 */
class RelayLifecycle implements SmartLifecycle {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Relay relay;
    private volatile boolean running;

    RelayLifecycle(Relay relay) {
        this.relay = relay;
    }

    @Override
    public synchronized void start() {
        if (!running) {
            relay.start();
            running = true;
        }
    }

    @Override
    public synchronized void stop() {
        if (running) {
            relay.stop(STOP_TIMEOUT);
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
