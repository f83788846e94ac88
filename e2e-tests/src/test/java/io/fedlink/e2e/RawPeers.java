package io.fedlink.e2e;

import io.fedlink.test.RawMethods;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Peers that break the protocol below fedlink's client API: raw bytes on a gRPC stream, raw bytes on a socket. */
final class RawPeers {

    private RawPeers() {
    }

    static MethodDescriptor<byte[], byte[]> method(String fullName) {
        return RawMethods.bidi(fullName);
    }

    /**
     * Opens {@code fullMethodName} on a new connection, sends {@code payload} as one message and waits (at most
     * {@code bound}) for the coordinator to end the call.
     *
     * @return the status the coordinator ended the call with, or {@code null} if it did not end it within the bound
     */
    static Status sendOnce(int port, String fullMethodName, byte[] payload, Duration bound) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            ClientCall<byte[], byte[]> call = channel.newCall(method(fullMethodName), CallOptions.DEFAULT);
            CompletableFuture<Status> closed = new CompletableFuture<>();
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
            call.request(Integer.MAX_VALUE);
            call.sendMessage(payload);
            try {
                return closed.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                call.cancel("test gave up waiting", null);
                return null;
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** A raw call started by {@link #start}: how the coordinator ended it, if it did. */
    static final class RawPeer implements AutoCloseable {
        private final ManagedChannel channel;
        private final CompletableFuture<Status> closed = new CompletableFuture<>();

        private RawPeer(ManagedChannel channel) {
            this.channel = channel;
        }

        /** The status the coordinator ended the call with; {@code null} if it had not within {@code bound}. */
        Status awaitStatus(Duration bound) throws InterruptedException {
            try {
                return closed.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Opens a Join call on a new connection and sends {@code payload} as one message at once, without waiting for an
     * instruction: a fedlink coordinator reads it as the reply to the next instruction it sends this client. The
     * peer hangs up by itself when a second instruction arrives (it has nothing more to say).
     */
    static RawPeer start(int port, byte[] payload) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        RawPeer peer = new RawPeer(channel);
        ClientCall<byte[], byte[]> call = channel.newCall(method("flwr.proto.FlowerService/Join"), CallOptions.DEFAULT);
        java.util.concurrent.atomic.AtomicInteger instructions = new java.util.concurrent.atomic.AtomicInteger();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                if (instructions.incrementAndGet() == 2) {
                    call.cancel("the raw peer hangs up", null);
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                peer.closed.complete(status);
            }
        }, new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(payload);
        return peer;
    }

    /**
     * Connects a plain TCP socket, writes {@code garbage} instead of HTTP/2 and reads until the coordinator closes the
     * connection (at most {@code bound}).
     *
     * @return how the connection ended, for example {@code "closed after 17 bytes from the server"}
     */
    static String writeGarbage(int port, byte[] garbage, Duration bound) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) bound.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(garbage);
                out.flush();
            } catch (IOException e) {
                return "reset while writing: " + e.getMessage();
            }
            long received = 0;
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received += n;
                }
                return "closed after " + received + " bytes from the server";
            } catch (SocketTimeoutException e) {
                return "still open after " + bound;
            } catch (IOException e) {
                return "reset after " + received + " bytes from the server: " + e.getMessage();
            }
        }
    }
}
