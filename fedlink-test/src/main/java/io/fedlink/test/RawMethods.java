package io.fedlink.test;

import io.fedlink.proto.FlowerServiceGrpc;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC methods that carry raw bytes, for tests of what a coordinator does with bytes that are not Flower messages
 * (random bytes, a truncated message, an unknown method): a peer below fedlink's client API.
 *
 * <pre>{@code
 * ClientCall<byte[], byte[]> call = channel.newCall(RawMethods.join(), CallOptions.DEFAULT);
 * }</pre>
 */
public final class RawMethods {

    /** A marshaller that passes bytes through untouched, so any bytes can go out as a message. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawMethods() {
    }

    /** Flower's {@code Join} bidi stream, with raw bytes both ways. */
    public static MethodDescriptor<byte[], byte[]> join() {
        return FlowerServiceGrpc.getJoinMethod().toBuilder(BYTES, BYTES).build();
    }

    /** A bidi stream named {@code fullMethodName} ("service/method"), with raw bytes both ways. */
    public static MethodDescriptor<byte[], byte[]> bidi(String fullMethodName) {
        return MethodDescriptor.newBuilder(BYTES, BYTES).setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName(fullMethodName).build();
    }
}
