package io.fedlink.benchmarks;

import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.server.TransportBuffers;
import io.fedlink.wire.ModelTransfer;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Figure 7's floor: what moving a training round's bytes through grpc-java costs a coordinator when nothing else is
 * done, so that no model path on grpc-java can cost less. The instruction is encoded once, before the round, and its
 * bytes are handed to every stream as they are (grpc-java's framer copies them into its buffers, as for any
 * message); a reply is skipped over in gRPC's buffers, never parsed, copied or aggregated. It keeps fedlink's flow
 * control (instructions queued up to the same send budget, one reply received at a time) so that it holds as much
 * memory as fedlink's coordinator does. The Join method with other marshallers, on the server configuration of
 * fedlink's model path ({@link BenchServer} with {@link TransportBuffers}' allocator).
 */
final class TransportFloor implements AutoCloseable {

    private final Server server;
    private final List<FloorStream> streams = new CopyOnWriteArrayList<>();
    private final Queue<FloorStream> awaitingReply = new ArrayDeque<>();
    private FloorStream receiving;

    TransportFloor() {
        MethodDescriptor<Long, byte[]> join = FlowerServiceGrpc.getJoinMethod()
                .toBuilder(new SkippedReply(), new PreEncoded()).build();
        ServerServiceDefinition service = ServerServiceDefinition.builder(FlowerServiceGrpc.SERVICE_NAME)
                .addMethod(join, ServerCalls.asyncBidiStreamingCall(this::join)).build();
        server = BenchServer.start(() -> service, builder -> TransportBuffers.applyTo(builder, ModelTransfer.ZERO_COPY));
    }

    String name() {
        return "floor";
    }

    int port() {
        return server.getPort();
    }

    void awaitConnected(int clients, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.size() < clients) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("floor: " + streams.size() + " of " + clients + " clients within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Sends {@code instruction} (encoded) to every stream, at most {@code sendBudget} bytes of instructions queued
     * at once (at least one instruction), and waits for every stream's reply.
     */
    void fanOut(byte[] instruction, long sendBudget, Duration timeout) throws InterruptedException, TimeoutException {
        CountDownLatch replies = new CountDownLatch(streams.size());
        Semaphore queued = new Semaphore((int) Math.max(1, Math.min(streams.size(), sendBudget / instruction.length)));
        for (FloorStream stream : streams) {
            if (!queued.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("floor: an instruction was not sent within " + timeout);
            }
            stream.send(instruction, queued::release, replies::countDown);
            synchronized (this) {
                awaitingReply.add(stream);
                requestNextReply();
            }
        }
        if (!replies.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("floor: " + replies.getCount() + " replies missing after " + timeout);
        }
    }

    @Override
    public void close() {
        BenchServer.stop(server);
    }

    /** Under the lock: lets the next stream deliver its reply once none is being received. */
    private void requestNextReply() {
        if (receiving == null && !awaitingReply.isEmpty()) {
            receiving = awaitingReply.poll();
            receiving.call.request(1);
        }
    }

    private synchronized void replied(FloorStream stream) {
        if (receiving == stream) {
            receiving = null;
        }
        requestNextReply();
    }

    private StreamObserver<Long> join(StreamObserver<byte[]> responses) {
        ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) responses;
        call.disableAutoRequest();
        FloorStream stream = new FloorStream(call);
        call.setOnReadyHandler(stream::ready);
        streams.add(stream);
        return new StreamObserver<>() {
            @Override
            public void onNext(Long skippedBytes) {
                stream.replied();
            }

            @Override
            public void onError(Throwable error) {
                streams.remove(stream);
            }

            @Override
            public void onCompleted() {
                streams.remove(stream);
                call.onCompleted();
            }
        };
    }

    private final class FloorStream {
        private final ServerCallStreamObserver<byte[]> call;
        private Runnable whenSent;
        private Runnable whenReplied;

        FloorStream(ServerCallStreamObserver<byte[]> call) {
            this.call = call;
        }

        synchronized void send(byte[] instruction, Runnable sent, Runnable replied) {
            whenReplied = replied;
            call.onNext(instruction);
            whenSent = sent;
            ready();
        }

        /** The transport has taken what was queued (or a spurious call): the instruction's budget goes back. */
        synchronized void ready() {
            if (whenSent != null && call.isReady()) {
                Runnable sent = whenSent;
                whenSent = null;
                sent.run();
            }
        }

        void replied() {
            Runnable replied;
            synchronized (this) {
                replied = whenReplied;
                whenReplied = null;
            }
            TransportFloor.this.replied(this);
            if (replied != null) {
                replied.run();
            }
        }
    }

    /** Writes bytes encoded beforehand: grpc-java drains them into its buffers in one write. */
    private static final class PreEncoded implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] encoded) {
            return new DrainableBytes(encoded);
        }

        @Override
        public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException("the floor only sends instructions");
        }
    }

    private static final class DrainableBytes extends ByteArrayInputStream implements KnownLength, Drainable {
        DrainableBytes(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }

    /** Skips a reply in gRPC's buffers without reading it; the message's length is all that is kept. */
    private static final class SkippedReply implements MethodDescriptor.Marshaller<Long> {
        @Override
        public InputStream stream(Long value) {
            throw new UnsupportedOperationException("the floor never sends a client message");
        }

        @Override
        public Long parse(InputStream stream) {
            long skipped = 0;
            try {
                for (long step; (step = stream.skip(Long.MAX_VALUE)) > 0; ) {
                    skipped += step;
                }
            } catch (IOException e) {
                throw new IllegalStateException("a reply could not be skipped", e);
            }
            return skipped;
        }
    }
}
