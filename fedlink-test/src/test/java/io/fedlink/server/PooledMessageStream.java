package io.fedlink.server;

import io.grpc.Detachable;
import io.grpc.HasByteBuffer;
import io.grpc.KnownLength;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A received message as grpc-java's Netty transport hands it to a marshaller: direct buffers of {@value #PIECE} bytes
 * (HTTP/2 frames), readable as {@link ByteBuffer} views, detachable from the call, markable. Like a pooled buffer,
 * its memory holds other data once released: closing the stream that owns the buffers fills them with {@code 0xFF}
 * (a float32 NaN), so whoever reads a message after its buffers went back reads NaN. The in-process transport passes
 * the stream a client's marshaller made to the coordinator's marshaller unchanged, so a test client that sends these
 * puts them where gRPC's own would be.
 */
final class PooledMessageStream extends InputStream implements KnownLength, HasByteBuffer, Detachable {

    static final int PIECE = 16 * 1024;

    /** Counts the messages made and the ones whose buffers went back. */
    static final class Pool {
        private final AtomicInteger made = new AtomicInteger();
        private final AtomicInteger released = new AtomicInteger();

        PooledMessageStream stream(byte[] message) {
            made.incrementAndGet();
            List<ByteBuffer> pieces = new ArrayList<>();
            for (int offset = 0; offset < message.length; offset += PIECE) {
                int length = Math.min(PIECE, message.length - offset);
                pieces.add(ByteBuffer.allocateDirect(length).put(message, offset, length).flip());
            }
            return new PooledMessageStream(this, pieces, 0, 0);
        }

        int made() {
            return made.get();
        }

        int released() {
            return released.get();
        }
    }

    private final Pool pool;
    private List<ByteBuffer> pieces;
    private int piece;
    private int position;
    private int markPiece;
    private int markPosition;
    private boolean closed;

    private PooledMessageStream(Pool pool, List<ByteBuffer> pieces, int piece, int position) {
        this.pool = pool;
        this.pieces = pieces;
        this.piece = piece;
        this.position = position;
    }

    @Override
    public int available() {
        int left = 0;
        for (int i = piece; i < pieces.size(); i++) {
            left += pieces.get(i).limit() - (i == piece ? position : 0);
        }
        return left;
    }

    @Override
    public boolean byteBufferSupported() {
        return true;
    }

    @Override
    public ByteBuffer getByteBuffer() {
        if (piece >= pieces.size()) {
            return null;
        }
        return pieces.get(piece).duplicate().position(position).slice();
    }

    @Override
    public InputStream detach() {
        PooledMessageStream detached = new PooledMessageStream(pool, pieces, piece, position);
        pieces = List.of();
        piece = 0;
        position = 0;
        return detached;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (available() == 0) {
            return -1;
        }
        int copied = 0;
        while (copied < length && piece < pieces.size()) {
            ByteBuffer current = pieces.get(piece);
            int n = Math.min(length - copied, current.limit() - position);
            current.get(position, buffer, offset + copied, n);
            copied += n;
            advance(n);
        }
        return copied;
    }

    @Override
    public long skip(long count) {
        long skipped = 0;
        while (skipped < count && piece < pieces.size()) {
            int n = (int) Math.min(count - skipped, pieces.get(piece).limit() - position);
            skipped += n;
            advance(n);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public void mark(int readLimit) {
        markPiece = piece;
        markPosition = position;
    }

    @Override
    public void reset() {
        piece = markPiece;
        position = markPosition;
    }

    /** Gives the buffers back: their memory now holds other data. */
    @Override
    public void close() {
        if (closed || pieces.isEmpty()) {
            return;
        }
        closed = true;
        byte[] other = new byte[PIECE];
        Arrays.fill(other, (byte) 0xFF);
        for (ByteBuffer buffer : pieces) {
            buffer.put(0, other, 0, buffer.limit());
        }
        pool.released.incrementAndGet();
    }

    private void advance(int n) {
        position += n;
        if (position == pieces.get(piece).limit()) {
            piece++;
            position = 0;
        }
    }
}
