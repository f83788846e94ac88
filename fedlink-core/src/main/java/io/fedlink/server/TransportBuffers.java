package io.fedlink.server;

import io.fedlink.wire.ModelTransfer;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.AdaptiveByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

/**
 * Where a coordinator's connections take their buffers from. On the model path ({@link ModelTransfer#ZERO_COPY})
 * every connection of a coordinator built on grpc-java's (shaded) Netty server allocates from one Netty
 * {@link AdaptiveByteBufAllocator}, shared by all of fedlink's coordinators in the JVM, instead of grpc-java's
 * pooled allocator.
 *
 * <p>Why: a round moves each model through the transport's direct buffers several times (the framed instruction to
 * every client, every reply held whole until it is handled). grpc-java's pooled allocator frees a 2 MiB chunk as soon
 * as it is empty and allocates a fresh one for the next model, and fresh direct memory costs page faults and zeroing
 * (a third of the coordinator's CPU in {@code perf} on benchmark figure 7 at 256 MiB x 4). The adaptive allocator
 * keeps recently emptied chunks for reuse. {@link ModelTransfer#COPYING}, the path the model path replaced, keeps
 * grpc-java's allocator.
 *
 * <p>A server builder of another transport (in-process, or the unshaded {@code grpc-netty}) is left as it is.
 */
public final class TransportBuffers {

    private static final ByteBufAllocator ALLOCATOR = new AdaptiveByteBufAllocator(true);

    private TransportBuffers() {
    }

    /**
     * Sets the connections' allocator on {@code builder} for {@code modelTransfer}: the shared adaptive allocator on
     * the model path of a shaded Netty server, nothing otherwise.
     */
    public static void applyTo(ServerBuilder<?> builder, ModelTransfer modelTransfer) {
        if (modelTransfer == ModelTransfer.ZERO_COPY && builder instanceof NettyServerBuilder netty) {
            netty.withChildOption(ChannelOption.ALLOCATOR, ALLOCATOR);
        }
    }
}
