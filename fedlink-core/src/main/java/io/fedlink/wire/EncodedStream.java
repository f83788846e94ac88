package io.fedlink.wire;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A message already encoded, as the stream a marshaller gives gRPC to write: gRPC asks its length ({@link KnownLength})
 * and drains it into the transport's buffers ({@link Drainable}), which copies each byte once, straight from the
 * encoded bytes (a {@code ByteString}'s own arrays, never a defensive copy of them). Read as an ordinary stream, it
 * yields the same bytes. One stream per write; the bytes may be shared by many.
 */
public final class EncodedStream extends InputStream implements KnownLength, Drainable {

    /** Direct buffers are written through a bounded scratch array rather than one of their own size. */
    private static final int SCRATCH_BYTES = 64 * 1024;

    private final ByteString bytes;
    private InputStream reader;
    private boolean drained;

    /** @param bytes the encoded message; immutable, so it may back any number of streams at once */
    public EncodedStream(ByteString bytes) {
        this.bytes = bytes;
    }

    @Override
    public int available() throws IOException {
        if (drained) {
            return 0;
        }
        return reader == null ? bytes.size() : reader.available();
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
        if (drained) {
            return 0;
        }
        drained = true;
        if (reader != null) {
            return (int) reader.transferTo(target);
        }
        UnsafeByteOperations.unsafeWriteTo(bytes, new OutputStreamByteOutput(target));
        return bytes.size();
    }

    @Override
    public int read() throws IOException {
        return drained ? -1 : reader().read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return drained ? -1 : reader().read(buffer, offset, length);
    }

    @Override
    public long skip(long count) throws IOException {
        return drained ? 0 : reader().skip(count);
    }

    private InputStream reader() {
        if (reader == null) {
            reader = bytes.newInput();
        }
        return reader;
    }

    /** Hands a {@code ByteString}'s own arrays to an output stream that copies what it is given (gRPC's does). */
    private static final class OutputStreamByteOutput extends ByteOutput {
        private final OutputStream target;
        private byte[] scratch;

        OutputStreamByteOutput(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(byte value) throws IOException {
            target.write(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) throws IOException {
            target.write(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) throws IOException {
            target.write(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) throws IOException {
            if (value.hasArray()) {
                target.write(value.array(), value.arrayOffset() + value.position(), value.remaining());
                return;
            }
            ByteBuffer source = value.duplicate();
            if (scratch == null) {
                scratch = new byte[Math.min(SCRATCH_BYTES, source.remaining())];
            }
            while (source.hasRemaining()) {
                int chunk = Math.min(scratch.length, source.remaining());
                source.get(scratch, 0, chunk);
                target.write(scratch, 0, chunk);
            }
        }

        @Override
        public void writeLazy(ByteBuffer value) throws IOException {
            write(value);
        }
    }
}
