package io.fedlink.wire;

/**
 * How models cross the transport's buffers.
 */
public enum ModelTransfer {

    /**
     * The default. An instruction that carries a model is encoded once, however many clients it goes to, and the same
     * immutable bytes are written to every stream; a large reply is parsed in place, straight from gRPC's received
     * buffers, and kept there until it has been handled (for example folded into the aggregate), then released. A
     * coordinator's connections take their buffers from an allocator that reuses emptied chunks
     * ({@link io.fedlink.server.TransportBuffers}).
     */
    ZERO_COPY,

    /**
     * grpc-java's default path: each client's instruction is encoded on its own, every reply is copied onto the
     * heap as it is parsed, and the connections use grpc-java's pooled allocator. Costs two more copies of every received byte and one model of garbage per reply; kept for
     * comparison (the benchmarks measure one against the other) and as a fallback.
     */
    COPYING
}
