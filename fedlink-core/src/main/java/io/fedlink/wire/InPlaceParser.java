package io.fedlink.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a received message straight from the transport's buffers, without copying its bytes: grpc-java hands a
 * marshaller its received message as a stream that can be detached from the call ({@link Detachable}) and read as
 * {@link ByteBuffer} views ({@link HasByteBuffer}); protobuf, with aliasing on, then makes each {@code bytes} field a
 * view of those buffers instead of a copy. The parsed message is valid only while its {@link ReceivedBuffers} are held.
 *
 * <p>Without this, a model-sized reply is copied twice more before anyone reads it (into the parser's chunks, then
 * into each tensor's own array) and leaves that much garbage on the heap. Streams that offer no buffers (the
 * in-process transport, compressed messages) are parsed the ordinary way by the caller ({@link #supports}).
 */
public final class InPlaceParser {

    /**
     * Received messages smaller than this are parsed the ordinary way: reading them in place (and, for a server,
     * holding the transport's buffers until they are handled) would save little.
     */
    public static final int WORTHWHILE_FROM = 64 * 1024;

    private InPlaceParser() {
    }

    /** The length of a received message as gRPC's stream knows it, or -1 if the stream cannot say. */
    public static int knownLength(InputStream stream) {
        try {
            return stream.available(); // gRPC's message streams know their length
        } catch (IOException e) {
            return -1;
        }
    }

    /** A message and the buffers its bytes live in ({@link ReceivedBuffers#NONE} if it owns them). */
    public record Parsed<T>(T message, ReceivedBuffers buffers) {
    }

    /** Whether {@code stream} (a received message, as gRPC gives it to a marshaller) can be parsed in place. */
    public static boolean supports(InputStream stream) {
        return stream instanceof Detachable && stream instanceof HasByteBuffer buffers && stream instanceof KnownLength
                && buffers.byteBufferSupported() && stream.markSupported();
    }

    /**
     * Takes the received message's buffers over from the call and parses it in place. The caller holds the returned
     * buffers and releases them when the message is done with.
     *
     * @param stream a stream for which {@link #supports} holds
     * @throws InvalidProtocolBufferException if the bytes are not a message of {@code parser}'s type; the buffers are
     *                                        released then
     */
    public static <T> Parsed<T> parse(InputStream stream, Parser<T> parser) throws InvalidProtocolBufferException {
        InputStream detached = ((Detachable) stream).detach();
        ReceivedBuffers buffers = ReceivedBuffers.of(detached);
        try {
            // Marked, the stream keeps every buffer it has read past (instead of giving it back) until it is closed.
            detached.mark(Integer.MAX_VALUE);
            List<ByteString> pieces = new ArrayList<>();
            boolean allDirect = true;
            while (detached.available() > 0) {
                ByteBuffer piece = ((HasByteBuffer) detached).getByteBuffer();
                if (piece == null || !piece.hasRemaining()) {
                    throw new IOException("the transport's stream offered no buffer with " + detached.available()
                            + " bytes left");
                }
                allDirect &= piece.isDirect();
                pieces.add(UnsafeByteOperations.unsafeWrap(piece));
                skipFully(detached, piece.remaining());
            }
            CodedInputStream input = ByteString.copyFrom(pieces).newCodedInput();
            input.setSizeLimit(Integer.MAX_VALUE);
            input.enableAliasing(true);
            T message = parser.parseFrom(input);
            // protobuf aliases a single buffer, or several direct ones; other mixes it reads by copying.
            if (pieces.size() > 1 && !allDirect) {
                buffers.release();
                return new Parsed<>(message, ReceivedBuffers.NONE);
            }
            return new Parsed<>(message, buffers);
        } catch (InvalidProtocolBufferException e) {
            buffers.release();
            throw e;
        } catch (IOException | RuntimeException e) {
            buffers.release();
            throw new InvalidProtocolBufferException("could not read the received message in place: " + e);
        }
    }

    /**
     * A copy of {@code message} that owns its bytes on the heap (one copy of each {@code bytes} field), for a message
     * parsed in place that must outlive its buffers.
     */
    @SuppressWarnings("unchecked")
    public static <T extends MessageLite> T copyOnHeap(T message) {
        byte[] bytes = message.toByteArray();
        CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
        input.setSizeLimit(Integer.MAX_VALUE);
        input.enableAliasing(true); // aliases the fresh array, which nothing else holds
        try {
            return (T) message.getParserForType().parseFrom(input);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a message protobuf has just written did not parse back", e);
        }
    }

    private static void skipFully(InputStream stream, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = stream.skip(left);
            if (skipped <= 0) {
                throw new IOException("the transport's stream would not skip " + left + " more bytes");
            }
            left -= skipped;
        }
    }
}
