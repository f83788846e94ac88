package io.fedlink.test;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.DisconnectReason;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a {@link TestCoordinator} records for its tests, across restarts: registrations and unregistrations in order,
 * and the seed's empty hand-shake messages.
 */
final class Registrations implements ClientManagerListener {

    private final BlockingQueue<ClientProxy> registered = new LinkedBlockingQueue<>();
    private final BlockingQueue<DisconnectReason> unregistered = new LinkedBlockingQueue<>();
    private final AtomicInteger handshakes = new AtomicInteger();

    @Override
    public void registered(ClientProxy client) {
        registered.add(client);
    }

    @Override
    public void unregistered(ClientProxy client, DisconnectReason reason) {
        unregistered.add(reason);
    }

    ClientProxy nextClient(Duration bound, String coordinator) throws InterruptedException {
        ClientProxy client = registered.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (client == null) {
            throw new AssertionError("No client registered with " + coordinator + " within " + bound);
        }
        return client;
    }

    DisconnectReason nextUnregistration(Duration bound, String coordinator) throws InterruptedException {
        DisconnectReason reason = unregistered.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (reason == null) {
            throw new AssertionError("No client unregistered from " + coordinator + " within " + bound);
        }
        return reason;
    }

    int handshakes() {
        return handshakes.get();
    }

    /** Counts empty {@code ClientMessage}s on every stream of the server it is installed in. */
    ServerInterceptor handshakeCounter() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                    @Override
                    public void onMessage(Q message) {
                        if (ClientMessage.getDefaultInstance().equals(message)) {
                            handshakes.incrementAndGet();
                        }
                        super.onMessage(message);
                    }
                };
            }
        };
    }
}
