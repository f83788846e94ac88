package io.fedlink.client;

import io.fedlink.FedlinkException;
import io.fedlink.MessageTooLargeException;
import io.fedlink.Setting;
import io.fedlink.SettingNames;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One open {@code Join} stream to a coordinator: {@link #consume()} the next instruction, {@link #dispatch}
 * the reply. Close it with try-with-resources. {@code consume} is meant for one thread; {@code dispatch} may
 * be called from any thread. A stream that ends or fails surfaces as {@link ConnectionClosedException} from
 * both, never as a hang.
 */
public final class Connection implements AutoCloseable {

    /** Queue marker for the end of the server's stream. */
    private record End(Status status, Throwable cause) {
    }

    private final String target;
    private final SettingNames names;
    private final AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    private final ClientCallStreamObserver<ClientMessage> outbound;
    private final Object writeLock = new Object();
    private final CountDownLatch readyOrEnded = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile End end;
    private boolean halfClosed;

    Connection(Channel channel, CallOptions callOptions, String target, SettingNames names) {
        this.target = target;
        this.names = names;
        Receiver receiver = new Receiver();
        Channel capturing = ClientInterceptors.intercept(channel, new HeadersInterceptor());
        ClientCalls.asyncBidiStreamingCall(capturing.newCall(InstructionParser.JOIN, callOptions), receiver);
        this.outbound = receiver.requests;
    }

    /** The stream is established: the transport is ready for it, or the coordinator has answered with headers. */
    private void established() {
        ready = true;
        readyOrEnded.countDown();
    }

    /**
     * Blocks until the coordinator sends the next instruction.
     *
     * @throws ConnectionClosedException if the stream has ended (or ends while waiting)
     */
    public ServerMessage consume() {
        try {
            return unwrap(inbound.take());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FedlinkException("Interrupted while waiting for an instruction from " + target, e);
        }
    }

    /**
     * Waits at most {@code timeout} for the next instruction.
     *
     * @return the instruction, or empty if none arrived in time
     * @throws ConnectionClosedException if the stream has ended
     * @throws InterruptedException      if the waiting thread is interrupted
     */
    public Optional<ServerMessage> consume(Duration timeout) throws InterruptedException {
        Object next = inbound.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return next == null ? Optional.empty() : Optional.of(unwrap(next));
    }

    /**
     * Blocks until the next instruction arrives; for a caller that ends the wait by aborting the stream.
     *
     * @throws ConnectionClosedException if the stream has ended (or ends while waiting)
     * @throws InterruptedException      if the waiting thread is interrupted
     */
    ServerMessage take() throws InterruptedException {
        return unwrap(inbound.take());
    }

    /**
     * Blocks until the stream is established (see {@link #awaitReady(Duration)}); for a caller that ends the wait by
     * aborting the stream.
     *
     * @throws ConnectionClosedException if the stream ended before it was established
     * @throws InterruptedException      if the waiting thread is interrupted
     */
    void awaitEstablished() throws InterruptedException {
        readyOrEnded.await();
        if (!ready) {
            throw closed(end);
        }
    }

    /**
     * Waits at most {@code timeout} until the stream is established on a transport, that is until the coordinator
     * was reached. Calls are not wait-for-ready: a coordinator that refuses the connection or cannot be resolved ends
     * the stream at once; one that does not answer at all ends it after the channel's connect timeout.
     *
     * @return {@code true} once the stream is established (also if it has ended since), {@code false} if
     *         {@code timeout} passed first
     * @throws ConnectionClosedException if the stream ended before it was established
     * @throws InterruptedException      if the waiting thread is interrupted
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        if (!readyOrEnded.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (ready) {
            return true;
        }
        throw closed(end);
    }

    /**
     * Sends one message to the coordinator (a reply, or the seed's empty hand-shake). Never blocks on the network.
     *
     * @throws ConnectionClosedException if the stream has ended or was closed
     * @throws MessageTooLargeException  if a fedlink coordinator announced a smaller limit; nothing was sent and the
     *                                   stream stays open
     */
    public void dispatch(ClientMessage message) {
        Integer limit = MessageSizeHeader.read(responseHeaders.get());
        if (limit != null && message.getSerializedSize() > limit) {
            throw new MessageTooLargeException("Did not send a message of " + message.getSerializedSize() + " bytes to "
                    + target + ": the coordinator accepts at most " + limit
                    + " bytes; raise " + names.of(Setting.SERVER_MAX_MESSAGE_SIZE) + " on the coordinator",
                    message.getSerializedSize(), limit);
        }
        synchronized (writeLock) {
            if (halfClosed) {
                throw new ConnectionClosedException("Connection to " + target + " was closed by this client", null, null);
            }
            End ended = end;
            if (ended != null) {
                throw closed(ended);
            }
            outbound.onNext(message);
        }
    }

    /** Whether the coordinator's side of the stream is still open. */
    public boolean isOpen() {
        return end == null;
    }

    /** Ends this side of the stream; the coordinator unregisters the client. Idempotent; never blocks. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (halfClosed) {
                return;
            }
            halfClosed = true;
            if (end == null) {
                outbound.onCompleted();
            }
        }
    }

    /** Cancels the stream at once (no graceful half-close). */
    public void abort(String why) {
        synchronized (writeLock) {
            halfClosed = true;
            outbound.cancel(why, null);
        }
    }

    private ServerMessage unwrap(Object next) {
        if (next instanceof End ended) {
            inbound.add(ended); // every later consume() sees the end too
            throw closed(ended);
        }
        return (ServerMessage) next;
    }

    private ConnectionClosedException closed(End ended) {
        Status status = ended.status();
        String message;
        if (status.isOk()) {
            message = "Coordinator " + target + " closed the stream";
        } else if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            message = "Stream to " + target + " failed: " + status.getCode() + ": " + status.getDescription()
                    + ". If a message was too large, raise " + names.of(Setting.SERVER_MAX_MESSAGE_SIZE)
                    + " on the coordinator (for what this client sends) or " + names.of(Setting.CLIENT_MAX_MESSAGE_SIZE)
                    + " here (for what it receives)";
        } else {
            message = "Stream to " + target + " failed: " + status.getCode()
                    + (status.getDescription() == null ? "" : ": " + status.getDescription())
                    // "UNAVAILABLE: io exception" says little; the transport's cause says "Connection refused".
                    + (status.getCause() == null || status.getCause().getMessage() == null ? ""
                    : " (" + status.getCause().getMessage() + ")");
            if (hasCause(ended.cause(), javax.net.ssl.SSLException.class)) {
                message += ". The TLS handshake with the coordinator failed: " + names.of(Setting.CLIENT_TRANSPORT_SECURITY)
                        + " must match what the coordinator serves (plaintext or TLS), and with TLS its certificate"
                        + " must be trusted (" + names.of(Setting.CLIENT_TRUSTED_CERTIFICATES) + ")";
            } else if (mayBePlaintextAgainstTls(status)) {
                message += ". If the coordinator serves TLS, set " + names.of(Setting.CLIENT_TRANSPORT_SECURITY) + " to TLS";
            }
            if (isTooManyPings(status)) {
                message += ". The coordinator permits fewer keepalive pings than this client sends: raise "
                        + names.of(Setting.CLIENT_KEEPALIVE_TIME) + " (a Flower server tolerates one ping per 5 minutes"
                        + " on an idle stream) or lower " + names.of(Setting.SERVER_KEEPALIVE_PERMIT_TIME)
                        + " on a fedlink coordinator";
            }
        }
        return new ConnectionClosedException(message, status, ended.cause());
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A TLS server that receives plaintext closes the connection: grpc-java reports UNAVAILABLE "Network closed for
     * unknown reason", or, when the server's reset arrives first (a loaded machine), "Connection reset by peer".
     */
    private static boolean mayBePlaintextAgainstTls(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return false;
        }
        String description = status.getDescription() == null ? "" : status.getDescription();
        String cause = status.getCause() == null || status.getCause().getMessage() == null ? ""
                : status.getCause().getMessage();
        return description.contains("Network closed for unknown reason") || cause.contains("Connection reset by peer");
    }

    /** GOAWAY ENHANCE_YOUR_CALM "too_many_pings": grpc-java reports it as UNAVAILABLE "Too many pings". */
    private static boolean isTooManyPings(Status status) {
        String description = status.getDescription();
        return description != null
                && description.toLowerCase(Locale.ROOT).replace('_', ' ').contains("too many pings");
    }

    /**
     * Keeps the coordinator's response headers (its announced message limit) and counts them as the stream being
     * established: over the in-process transport a stream is "ready" only once the server asks for a message, which a
     * fedlink coordinator does only when it expects a reply, but it sends its headers as the stream opens.
     */
    private final class HeadersInterceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata received) {
                            responseHeaders.set(received);
                            established();
                            super.onHeaders(received);
                        }
                    }, headers);
                }
            };
        }
    }

    private final class Receiver implements ClientResponseObserver<ClientMessage, ServerMessage> {
        private ClientCallStreamObserver<ClientMessage> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<ClientMessage> requestStream) {
            this.requests = requestStream;
            // gRPC calls this once the stream is allocated on a connected transport (and again after flow control).
            requestStream.setOnReadyHandler(Connection.this::established);
        }

        @Override
        public void onNext(ServerMessage message) {
            inbound.add(message);
        }

        @Override
        public void onError(Throwable error) {
            finish(new End(Status.fromThrowable(error), error));
        }

        @Override
        public void onCompleted() {
            finish(new End(Status.OK, null));
        }

        private void finish(End ended) {
            end = ended;
            inbound.add(ended);
            readyOrEnded.countDown();
        }
    }
}
