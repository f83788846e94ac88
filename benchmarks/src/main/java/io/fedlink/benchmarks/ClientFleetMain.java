package io.fedlink.benchmarks;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of every benchmark, the same code whichever coordinator it talks to: a JVM holding many
 * {@code Join} streams, each answering every instruction at once with a reply prepared in advance.
 *
 * <p>Arguments ({@code key=value}): {@code ports=41234,41235} (one fleet per port, on 127.0.0.1),
 * {@code streams=K} per port, {@code streamsPerConnection=1} (streams multiplexed on one TCP connection),
 * {@code replyBytes=1024} and {@code tensorBytes} (size of the prepared {@code fit_res} parameters),
 * {@code directExecutor=true} (answer on the Netty thread), {@code connectConcurrency=256} (streams being opened at
 * once: a burst beyond the server's accept backlog costs SYN retries of a second or more), {@code readInstructions=all}
 * ({@code case}: read only which instruction came, skipping its model, so that the fleet's share of the machine's
 * cores stays small when models are large).
 *
 * <p>Prints {@code READY <streams>} when every stream is open, then serves until its standard input closes.
 */
public final class ClientFleetMain {

    /** Join, reading of each instruction only which one it is. */
    private static final MethodDescriptor<ClientMessage, ServerMessage> CASE_ONLY_JOIN = FlowerServiceGrpc.getJoinMethod()
            .toBuilder(FlowerServiceGrpc.getJoinMethod().getRequestMarshaller(), new InstructionCaseOnly()).build();

    private ClientFleetMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ChildProtocol.exitWhenDriverLetsGo();
        Map<String, String> options = ChildProtocol.arguments(args, 0);
        String[] ports = ChildProtocol.required(options, "ports").split(",");
        int streams = Integer.parseInt(ChildProtocol.required(options, "streams"));
        int perConnection = Integer.parseInt(options.getOrDefault("streamsPerConnection", "1"));
        long replyBytes = Long.parseLong(options.getOrDefault("replyBytes", "1024"));
        int tensorBytes = Integer.parseInt(options.getOrDefault("tensorBytes", String.valueOf(8 << 20)));
        boolean directExecutor = Boolean.parseBoolean(options.getOrDefault("directExecutor", "false"));
        int connectConcurrency = Integer.parseInt(options.getOrDefault("connectConcurrency", "256"));
        boolean caseOnly = options.getOrDefault("readInstructions", "all").equals("case");

        Parameters parameters = Payloads.model(replyBytes, (int) Math.min(tensorBytes, replyBytes), 0.5f, false);
        Replies replies = new Replies(Payloads.fitRes(parameters, 100));
        Semaphore opening = new Semaphore(connectConcurrency);
        CountDownLatch open = new CountDownLatch(streams * ports.length);
        AtomicInteger failures = new AtomicInteger();
        List<ManagedChannel> channels = new ArrayList<>();
        long started = System.nanoTime();
        for (String port : ports) {
            ManagedChannel channel = null;
            for (int i = 0; i < streams; i++) {
                if (i % perConnection == 0) {
                    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(port))
                            .usePlaintext()
                            .maxInboundMessageSize(BenchServer.MAX_MESSAGE_BYTES);
                    if (directExecutor) {
                        builder.directExecutor();
                    }
                    channel = builder.build();
                    channels.add(channel);
                }
                if (!opening.tryAcquire(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("streams stopped opening: " + (streams * ports.length - open.getCount())
                            + " open after two minutes");
                }
                InstantClient client = new InstantClient(replies, opening, open, failures);
                if (caseOnly) {
                    ClientCalls.asyncBidiStreamingCall(channel.newCall(CASE_ONLY_JOIN, CallOptions.DEFAULT), client);
                } else {
                    FlowerServiceGrpc.newStub(channel).join(client);
                }
            }
        }
        if (!open.await(10, TimeUnit.MINUTES)) {
            ChildProtocol.say(ChildProtocol.FAILED, "only " + (streams * ports.length - open.getCount()) + " streams opened");
        } else {
            System.err.printf("fleet: %d streams over %d connections open in %.2f s%n", streams * ports.length,
                    channels.size(), (System.nanoTime() - started) / 1e9);
            ChildProtocol.say(ChildProtocol.READY, streams * ports.length + " " + channels.size());
        }
        Thread.currentThread().join();
    }

    /** The replies, built once: every stream answers with these same objects. */
    private record Replies(ClientMessage fitRes) {

        ClientMessage answer(ServerMessage instruction) {
            return switch (instruction.getMsgCase()) {
                case FIT_INS -> fitRes;
                case EVALUATE_INS -> ClientMessage.newBuilder()
                        .setEvaluateRes(ClientMessage.EvaluateRes.newBuilder().setLoss(0.25f).setNumExamples(100)).build();
                case GET_PARAMETERS_INS -> ClientMessage.newBuilder()
                        .setGetParametersRes(ClientMessage.GetParametersRes.newBuilder()
                                .setParameters(fitRes.getFitRes().getParameters())).build();
                case GET_PROPERTIES_INS -> ClientMessage.newBuilder()
                        .setGetPropertiesRes(ClientMessage.GetPropertiesRes.getDefaultInstance()).build();
                case RECONNECT_INS -> ClientMessage.newBuilder()
                        .setDisconnectRes(ClientMessage.DisconnectRes.newBuilder().setReason(Reason.RECONNECT)).build();
                case MSG_NOT_SET -> ClientMessage.getDefaultInstance();
            };
        }
    }

    /** One stream: sends nothing first (as stock Flower clients), answers every instruction at once. */
    private static final class InstantClient implements ClientResponseObserver<ClientMessage, ServerMessage> {

        private final Replies replies;
        private final Semaphore opening;
        private final CountDownLatch open;
        private final AtomicInteger failures;
        private ClientCallStreamObserver<ClientMessage> requests;
        private boolean opened;

        InstantClient(Replies replies, Semaphore opening, CountDownLatch open, AtomicInteger failures) {
            this.replies = replies;
            this.opening = opening;
            this.open = open;
            this.failures = failures;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ClientMessage> requestStream) {
            requests = requestStream;
            // The first onReady means the stream exists on an established connection.
            requestStream.setOnReadyHandler(this::opened);
        }

        private void opened() {
            if (!opened) {
                opened = true;
                opening.release();
                open.countDown();
            }
        }

        @Override
        public void onNext(ServerMessage instruction) {
            requests.onNext(replies.answer(instruction));
            if (instruction.hasReconnectIns()) {
                requests.onCompleted();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!opened) {
                opening.release();
            }
            if (failures.incrementAndGet() <= 5) {
                System.err.println("fleet: stream failed: " + error);
            }
        }

        @Override
        public void onCompleted() {
            requests.onCompleted();
        }
    }

    /** Reads the first field of a {@code ServerMessage} (its instruction) and nothing else: an instruction of that case. */
    private static final class InstructionCaseOnly implements MethodDescriptor.Marshaller<ServerMessage> {

        @Override
        public InputStream stream(ServerMessage value) {
            throw new UnsupportedOperationException("the fleet only receives instructions");
        }

        @Override
        public ServerMessage parse(InputStream stream) {
            try {
                int field = WireFormat.getTagFieldNumber(CodedInputStream.newInstance(stream, 16).readTag());
                ServerMessage.Builder instruction = ServerMessage.newBuilder();
                ServerMessage.MsgCase kind = ServerMessage.MsgCase.forNumber(field);
                switch (kind == null ? ServerMessage.MsgCase.MSG_NOT_SET : kind) {
                    case FIT_INS -> instruction.setFitIns(ServerMessage.FitIns.getDefaultInstance());
                    case EVALUATE_INS -> instruction.setEvaluateIns(ServerMessage.EvaluateIns.getDefaultInstance());
                    case GET_PARAMETERS_INS -> instruction.setGetParametersIns(ServerMessage.GetParametersIns.getDefaultInstance());
                    case GET_PROPERTIES_INS -> instruction.setGetPropertiesIns(ServerMessage.GetPropertiesIns.getDefaultInstance());
                    case RECONNECT_INS -> instruction.setReconnectIns(ServerMessage.ReconnectIns.getDefaultInstance());
                    case MSG_NOT_SET -> { }
                }
                return instruction.build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
