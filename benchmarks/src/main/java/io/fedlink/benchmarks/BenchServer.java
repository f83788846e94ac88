package io.fedlink.benchmarks;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one server configuration both coordinators run on, so only the service (and, for fedlink, the connections'
 * buffer allocator fedlink sets on its servers) differs: shaded Netty on 127.0.0.1, an ephemeral port, Flower's
 * 512 MiB inbound limit and its 210 s keepalive (fedlink's defaults).
 */
final class BenchServer {

    /** Flower's (and fedlink's default) largest message. */
    static final int MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

    private BenchServer() {
    }

    static Server start(BindableService service) {
        return start(service, builder -> { });
    }

    /**
     * As {@link #start(BindableService)}, with {@code transport} applied to the builder first: a fedlink coordinator
     * passes what fedlink sets on its own servers (its connections' buffers, {@link io.fedlink.server.TransportBuffers}).
     */
    static Server start(BindableService service, Consumer<ServerBuilder<?>> transport) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        transport.accept(builder);
        Server server = builder
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(210, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(service)
                .build();
        try {
            return server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a gRPC server on 127.0.0.1", e);
        }
    }

    static void stop(Server server) {
        server.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
