package io.fedlink.server;

import io.fedlink.Setting;
import io.fedlink.SettingNames;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.ServerMessage;
import io.fedlink.security.ClientAuthenticator;
import io.fedlink.wire.MessageSizeHeader;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code flwr.proto.FlowerService/Join} service. Each call becomes one client: a {@link StreamBridge} and
 * a {@link ClientProxy} from the {@link ClientProxyFactory}, registered with the {@link ClientManager} as the
 * stream opens and unregistered when it ends for any reason. gRPC threads only hand messages over; they never
 * wait for round logic.
 */
public class ClientManagerServicer implements FlowerServiceGrpc.AsyncService, BindableService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientManagerServicer.class);

    private final ClientManager clientManager;
    private final ClientProxyFactory proxyFactory;
    private final StreamSettings settings;
    private final ScheduledExecutorService timer;
    private final boolean ownsTimer;
    private final List<InstructionListener> instructionListeners = new CopyOnWriteArrayList<>();
    private final MethodDescriptor.Marshaller<ServerMessage> responseMarshaller =
            FlowerServiceGrpc.getJoinMethod().getResponseMarshaller();
    private final StreamResources resources;
    private volatile ClientAuthenticator authenticator;

    /** A servicer with its own reply-timeout thread, stopped by {@link #close()}. */
    public ClientManagerServicer(ClientManager clientManager, ClientProxyFactory proxyFactory, StreamSettings settings) {
        this(clientManager, proxyFactory, settings, newTimer(), true);
    }

    /**
     * @param timer runs reply timeouts; its tasks are short and never block
     */
    public ClientManagerServicer(ClientManager clientManager, ClientProxyFactory proxyFactory, StreamSettings settings,
                                 ScheduledExecutorService timer) {
        this(clientManager, proxyFactory, settings, timer, false);
    }

    private ClientManagerServicer(ClientManager clientManager, ClientProxyFactory proxyFactory, StreamSettings settings,
                                  ScheduledExecutorService timer, boolean ownsTimer) {
        this.ownsTimer = ownsTimer;
        this.clientManager = Objects.requireNonNull(clientManager, "clientManager");
        this.proxyFactory = Objects.requireNonNull(proxyFactory, "proxyFactory");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timer = Objects.requireNonNull(timer, "timer");
        FlowControl flowControl = settings.flowControl();
        this.resources = new StreamResources(settings, timer, new InstructionReporter(instructionListeners),
                this::marshalledSize, new SharedBudget(flowControl.sendBudget()),
                new SharedBudget(flowControl.largeRepliesAtOnce()));
    }

    /**
     * The Join service, bound with a request marshaller that turns bytes which do not parse as a
     * {@code ClientMessage} into a marked message for the stream's bridge (which ends that stream with
     * INVALID_ARGUMENT and unregisters the client) instead of a failure inside gRPC, which would answer
     * "UNKNOWN: Application error processing RPC" and never tell the servicer the stream is gone.
     */
    @Override
    public ServerServiceDefinition bindService() {
        MethodDescriptor<ClientMessage, ServerMessage> generated = FlowerServiceGrpc.getJoinMethod();
        MethodDescriptor<ClientMessage, ServerMessage> join = generated.toBuilder(
                new ClientMessageMarshaller(generated.getRequestMarshaller()), responseMarshaller).build();
        ServiceDescriptor service = ServiceDescriptor.newBuilder(FlowerServiceGrpc.SERVICE_NAME)
                .setSchemaDescriptor(FlowerServiceGrpc.getServiceDescriptor().getSchemaDescriptor()).addMethod(join).build();
        ServerServiceDefinition definition = ServerServiceDefinition.builder(service)
                .addMethod(join, ServerCalls.asyncBidiStreamingCall(this::join)).build();
        return ServerInterceptors.intercept(definition, new CallContextInterceptor(settings.maxMessageSize(), authenticator,
                settings.settingNames()));
    }

    @Override
    public StreamObserver<ClientMessage> join(StreamObserver<ServerMessage> responseObserver) {
        StreamBridge bridge = open(responseObserver);
        return new StreamObserver<>() {
            @Override
            public void onNext(ClientMessage message) {
                ClientMessageMarshaller.problem(message).ifPresentOrElse(bridge::onMalformedMessage,
                        () -> bridge.onClientMessage(message));
            }

            @Override
            public void onError(Throwable error) {
                bridge.onTransportError(error);
            }

            @Override
            public void onCompleted() {
                bridge.onClientCompleted();
            }
        };
    }

    /** Registers a new stream's client (or refuses it) and returns its bridge. */
    private StreamBridge open(StreamObserver<ServerMessage> responseObserver) {
        ServerCallStreamObserver<ServerMessage> responses = (ServerCallStreamObserver<ServerMessage>) responseObserver;
        String peer = Objects.requireNonNullElse(ClientCallContext.PEER.get(), "unknown");
        StreamBridge bridge = new StreamBridge(UUID.randomUUID().toString(), peer, ClientCallContext.IDENTITY.get(),
                ClientCallContext.CLIENT_MAX_MESSAGE_SIZE.get(), responses, resources);
        // Flow control both ways: the bridge asks for a client's message only when it expects a reply (and, for a
        // large one, holds a receive permit), and learns from onReady when an instruction has gone out.
        responses.disableAutoRequest();
        responses.setOnReadyHandler(bridge::onReady);
        responses.setOnCancelHandler(bridge::onCancelled);
        // gRPC closes the call by itself when handling a message fails (an OutOfMemoryError while parsing, say) and
        // reports that as a normal close: the client is gone all the same.
        responses.setOnCloseHandler(bridge::onCallClosed);
        boolean registered;
        try {
            ClientProxy proxy = proxyFactory.create(bridge);
            bridge.onClose(reason -> clientManager.unregister(proxy, reason));
            registered = clientManager.register(proxy);
        } catch (RuntimeException e) {
            // Thrown out of join(), it would make gRPC close the call without telling the bridge: a registered ghost.
            String why = "Coordinator could not register client " + bridge.id() + " (" + peer + "): " + e;
            log.error(why, e);
            bridge.reject(Status.INTERNAL.withDescription(why));
            return bridge;
        }
        if (!registered) {
            String why = "Coordinator refused client " + bridge.id() + " (" + peer + "): " + clientManager.numAvailable()
                    + " clients are connected, the most it accepts (" + settings.settingNames().of(Setting.MAX_CLIENTS) + ")";
            log.warn(why);
            bridge.reject(Status.RESOURCE_EXHAUSTED.withDescription(why));
        } else {
            log.info("Client {} connected from {}{}", bridge.id(), peer,
                    bridge.identity().map(identity -> " as " + identity).orElse(""));
        }
        return bridge;
    }

    /**
     * Requires every stream to pass {@code authenticator} before it is registered; streams that fail are closed
     * with UNAUTHENTICATED. Set it before the service is bound to a server.
     */
    public void setAuthenticator(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Adds a listener told of every instruction's outcome on every stream. */
    public void addInstructionListener(InstructionListener listener) {
        instructionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The settings every stream of this servicer follows. */
    public StreamSettings settings() {
        return settings;
    }

    /** Bytes of instructions queued for sending now, across all streams (bounded by the send budget). */
    public long bytesQueuedForSending() {
        return resources.sendBudget().used();
    }

    /** Large replies being received now (or received and not yet handled), across all streams. */
    public int largeRepliesReceiving() {
        return (int) resources.receivePermits().used();
    }

    /** Streams whose large reply waits for a receive permit now. */
    public int largeRepliesWaiting() {
        return resources.receivePermits().waiting();
    }

    /** The marshalled length of an instruction: the bytes the Join method writes for it. */
    private int marshalledSize(ServerMessage instruction) {
        try (InputStream stream = responseMarshaller.stream(instruction)) {
            return stream.available(); // gRPC's marshallers know the length of what they write without writing it
        } catch (IOException e) {
            return instruction.getSerializedSize();
        }
    }

    /** Closes every client stream, for example before the application shuts down. */
    public void closeAll(String why) {
        for (ClientProxy client : clientManager.all()) {
            client.stream().close(why);
        }
    }

    /** Closes every client stream and stops the reply-timeout thread if this servicer made it. */
    @Override
    public void close() {
        closeAll("coordinator shutting down");
        if (ownsTimer) {
            timer.shutdownNow();
        }
    }

    private static ScheduledExecutorService newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "fedlink-reply-timer");
            thread.setDaemon(true);
            return thread;
        });
        // An answered instruction cancels its timeout; without this the cancelled task stays queued until its
        // deadline (about 80 bytes each: hundreds of MB at 10,000 instructions/s with a 10-minute reply timeout).
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * Puts the peer address and the client's announced message limit in the call's context, and sends the response
     * headers (announcing the coordinator's own limit) as soon as the stream opens.
     */
    private static final class CallContextInterceptor implements ServerInterceptor {
        private final int maxMessageSize;
        private final ClientAuthenticator authenticator;
        private final SettingNames settingNames;

        CallContextInterceptor(int maxMessageSize, ClientAuthenticator authenticator, SettingNames settingNames) {
            this.maxMessageSize = maxMessageSize;
            this.authenticator = authenticator;
            this.settingNames = settingNames;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            Context context = Context.current();
            if (authenticator != null) {
                Optional<String> identity = authenticator.authenticate(headers, address);
                if (identity.isEmpty()) {
                    log.warn("Refused an unauthenticated client from {}", address);
                    call.close(Status.UNAUTHENTICATED.withDescription("fedlink coordinator refused the client from "
                            + address + ": missing or unknown token; send 'authorization: Bearer <token>'"
                            + " (" + settingNames.of(Setting.CLIENT_AUTH_TOKEN) + ")"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                context = context.withValue(ClientCallContext.IDENTITY, identity.get());
            }
            context = context
                    .withValue(ClientCallContext.PEER, String.valueOf(address))
                    .withValue(ClientCallContext.CLIENT_MAX_MESSAGE_SIZE, MessageSizeHeader.read(headers));
            ServerCall<Q, R> announcing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                private boolean headersSent;

                @Override
                public synchronized void sendHeaders(Metadata responseHeaders) {
                    if (headersSent) {
                        return;
                    }
                    headersSent = true;
                    if (maxMessageSize > 0) {
                        responseHeaders.merge(MessageSizeHeader.of(maxMessageSize));
                    }
                    super.sendHeaders(responseHeaders);
                }
            };
            announcing.sendHeaders(new Metadata());
            return Contexts.interceptCall(context, announcing, headers, next);
        }
    }
}
