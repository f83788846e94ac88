package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.ServerMessage;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline: the same wire protocol served by the least code a hand-written grpc-java bidi service needs.
 * A set of streams, one pending future per stream, writes serialised per stream. No fedlink code, no reply
 * timeouts, no protocol checks, no registry lock, no logging.
 */
final class RawCoordinator implements CoordinatorUnderTest {

    private final RegistrationClock registrations = new RegistrationClock();
    private final Set<RawClient> clients = ConcurrentHashMap.newKeySet();
    private final Object connectedChanged = new Object();
    private final Server server;

    RawCoordinator() {
        server = BenchServer.start(new Service());
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public RegistrationClock registrations() {
        return registrations;
    }

    @Override
    public void awaitConnected(int count, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectedChanged) {
            while (clients.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("raw: " + clients.size() + " of " + count + " clients connected within " + timeout);
                }
                connectedChanged.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public List<Peer> peers() {
        return new ArrayList<>(clients);
    }

    @Override
    public void close() {
        BenchServer.stop(server);
    }

    private final class Service implements FlowerServiceGrpc.AsyncService, BindableService {

        @Override
        public ServerServiceDefinition bindService() {
            return FlowerServiceGrpc.bindService(this);
        }

        @Override
        public StreamObserver<ClientMessage> join(StreamObserver<ServerMessage> responseObserver) {
            ServerCallStreamObserver<ServerMessage> responses = (ServerCallStreamObserver<ServerMessage>) responseObserver;
            RawClient client = new RawClient(responses);
            responses.setOnCancelHandler(client::closed);
            clients.add(client);
            registrations.registered();
            synchronized (connectedChanged) {
                connectedChanged.notifyAll();
            }
            return new StreamObserver<>() {
                @Override
                public void onNext(ClientMessage reply) {
                    client.replied(reply);
                }

                @Override
                public void onError(Throwable error) {
                    client.closed();
                }

                @Override
                public void onCompleted() {
                    client.closed();
                    synchronized (responses) {
                        responses.onCompleted();
                    }
                }
            };
        }
    }

    /** One stream: at most one instruction outstanding, its reply completes the pending future. */
    private final class RawClient implements Peer {

        private final ServerCallStreamObserver<ServerMessage> responses;
        private final AtomicReference<CompletableFuture<ClientMessage>> pending = new AtomicReference<>();

        RawClient(ServerCallStreamObserver<ServerMessage> responses) {
            this.responses = responses;
        }

        @Override
        public CompletableFuture<ClientMessage> send(ServerMessage instruction, CompletionStage<?> handled) {
            CompletableFuture<ClientMessage> reply = new CompletableFuture<>();
            if (!pending.compareAndSet(null, reply)) {
                return CompletableFuture.failedFuture(new IllegalStateException("raw client busy"));
            }
            synchronized (responses) {
                responses.onNext(instruction);
            }
            return reply;
        }

        void replied(ClientMessage reply) {
            CompletableFuture<ClientMessage> waiting = pending.getAndSet(null);
            if (waiting != null) {
                waiting.complete(reply);
            }
        }

        void closed() {
            clients.remove(this);
            CompletableFuture<ClientMessage> waiting = pending.getAndSet(null);
            if (waiting != null) {
                waiting.completeExceptionally(Status.UNAVAILABLE.withDescription("raw client stream closed").asRuntimeException());
            }
        }
    }
}
