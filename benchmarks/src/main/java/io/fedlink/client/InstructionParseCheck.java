package io.fedlink.client;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.CoordinatorServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A by-hand check, not a figure: the CPU a Java client spends parsing a received model-carrying {@code fit_ins}, with
 * protobuf's generated parser against fedlink's {@link InstructionParser} (read in place, copied onto the heap once),
 * over real TCP from a fedlink coordinator in the same JVM. Each parse is timed on the thread that runs it
 * ({@code ThreadMXBean} thread CPU time), so the coordinator's work is not counted; the garbage each leaves is not
 * either. It lives in {@code io.fedlink.client} to reach the package-private parser.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)" \
 *     io.fedlink.client.InstructionParseCheck 64 8     # MiB per fit_ins, instructions per parser and round
 * </pre>
 */
public final class InstructionParseCheck {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 4;

    private InstructionParseCheck() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Integer.parseInt(args[0]);
        int instructions = Integer.parseInt(args[1]);
        byte[] tensor = new byte[mib << 20];
        new Random(1).nextBytes(tensor);
        ServerMessage fitIns = ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                .setParameters(Parameters.newBuilder().addTensors(ByteString.copyFrom(tensor)))).build();
        MethodDescriptor.Marshaller<ServerMessage> generated = FlowerServiceGrpc.getJoinMethod().getResponseMarshaller();
        try (CoordinatorServer server = CoordinatorServer.forAddress("127.0.0.1", 0).start()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(1 << 30).build();
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    double protobuf = msPerParse(server, channel, generated, fitIns, instructions);
                    double inPlace = msPerParse(server, channel, new InstructionParser(generated), fitIns, instructions);
                    System.out.printf("round %d: %d MiB fit_ins, client parse CPU ms per instruction: generated %.1f,"
                            + " in place + one copy %.1f, ratio %.2f%n", round, mib, protobuf, inPlace, inPlace / protobuf);
                }
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Opens one stream parsed by {@code parser}, sends it {@code count} instructions, returns parse CPU ms each. */
    private static double msPerParse(CoordinatorServer server, ManagedChannel channel,
                                     MethodDescriptor.Marshaller<ServerMessage> parser, ServerMessage instruction,
                                     int count) throws Exception {
        AtomicLong cpuNanos = new AtomicLong();
        MethodDescriptor.Marshaller<ServerMessage> timed = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(ServerMessage value) {
                return parser.stream(value);
            }

            @Override
            public ServerMessage parse(InputStream stream) {
                long started = THREADS.getCurrentThreadCpuTime();
                try {
                    return parser.parse(stream);
                } finally {
                    cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - started);
                }
            }
        };
        MethodDescriptor<ClientMessage, ServerMessage> join = FlowerServiceGrpc.getJoinMethod()
                .toBuilder(FlowerServiceGrpc.getJoinMethod().getRequestMarshaller(), timed).build();
        AtomicReference<ClientCallStreamObserver<ClientMessage>> replies = new AtomicReference<>();
        ClientMessage fitRes = ClientMessage.newBuilder()
                .setFitRes(ClientMessage.FitRes.newBuilder().setNumExamples(1)).build();
        ClientCalls.asyncBidiStreamingCall(channel.newCall(join, CallOptions.DEFAULT),
                new ClientResponseObserver<ClientMessage, ServerMessage>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ClientMessage> requests) {
                        replies.set(requests);
                    }

                    @Override
                    public void onNext(ServerMessage received) {
                        replies.get().onNext(fitRes);
                    }

                    @Override
                    public void onError(Throwable error) {
                        System.err.println("stream failed: " + error);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        ClientProxy client = server.clientManager().getClients(1, Duration.ofSeconds(10)).get(0);
        for (int i = 0; i < count; i++) {
            client.runAsync(instruction).get(60, TimeUnit.SECONDS);
        }
        replies.get().onCompleted();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.clientManager().numAvailable() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return cpuNanos.get() / 1e6 / count;
    }
}
