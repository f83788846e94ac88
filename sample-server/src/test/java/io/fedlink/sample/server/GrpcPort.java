package io.fedlink.sample.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.server.event.GrpcServerStartedEvent;
import org.springframework.context.ApplicationListener;

/** Import into a test context to learn the port the gRPC server bound ({@code grpc.server.port=0}). */
class GrpcPort implements ApplicationListener<GrpcServerStartedEvent> {

    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    @Override
    public void onApplicationEvent(GrpcServerStartedEvent event) {
        port.complete(event.getPort());
    }

    /** The bound port; waits (bounded) for the server to start. */
    int get() throws Exception {
        return port.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
    }
}
