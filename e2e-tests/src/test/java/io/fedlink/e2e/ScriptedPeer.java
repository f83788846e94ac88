package io.fedlink.e2e;

import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.ConnectionTemplate;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client in the test JVM, on its own TCP connection, that answers raw {@link ClientMessage}s: its first
 * {@code fit_ins} with whatever {@code firstFit} makes (a wrong case, a lying tensor, ...), later ones with the
 * parameters it was sent, {@code evaluate_ins} with loss 0.5, and {@code reconnect_ins} with {@code disconnect_res}
 * before it hangs up. What happened is in {@link #events()}; {@link #finished()} completes when the stream ends.
 */
final class ScriptedPeer implements AutoCloseable {

    private final String name;
    private final ManagedChannel channel;
    private final Function<ServerMessage.FitIns, ClientMessage> firstFit;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> finished = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean stopping;

    private ScriptedPeer(String name, int port, Function<ServerMessage.FitIns, ClientMessage> firstFit) {
        this.name = name;
        this.firstFit = firstFit;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(Integer.MAX_VALUE).build();
        this.thread = new Thread(this::run, "peer-" + name);
        thread.setDaemon(true);
    }

    static ScriptedPeer start(String name, int port, Function<ServerMessage.FitIns, ClientMessage> firstFit) {
        ScriptedPeer peer = new ScriptedPeer(name, port, firstFit);
        peer.thread.start();
        return peer;
    }

    String name() {
        return name;
    }

    List<String> events() {
        return List.copyOf(events);
    }

    /** Completes with how the stream ended. */
    CompletableFuture<String> finished() {
        return finished;
    }

    private void run() {
        boolean first = true;
        try (Connection connection = new ConnectionTemplate(channel, Integer.MAX_VALUE, name).connect()) {
            while (!stopping) {
                Optional<ServerMessage> next = connection.consume(Duration.ofMillis(200));
                if (next.isEmpty()) {
                    continue;
                }
                ServerMessage instruction = next.get();
                switch (instruction.getMsgCase()) {
                    case FIT_INS -> {
                        long round = instruction.getFitIns().getConfigOrDefault("round", Scalar.getDefaultInstance()).getSint64();
                        events.add("fit round " + round);
                        ClientMessage reply = first ? firstFit.apply(instruction.getFitIns())
                                : ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder()
                                .setParameters(instruction.getFitIns().getParameters()).setNumExamples(10)).build();
                        first = false;
                        connection.dispatch(reply);
                    }
                    case EVALUATE_INS -> {
                        events.add("evaluate");
                        connection.dispatch(ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder()
                                .setLoss(0.5f).setNumExamples(10)).build());
                    }
                    case RECONNECT_INS -> {
                        events.add("reconnect");
                        connection.dispatch(ClientMessage.newBuilder().setDisconnectRes(ClientMessage.DisconnectRes
                                .newBuilder().setReason(Reason.RECONNECT)).build());
                        finished.complete("told to disconnect");
                        return;
                    }
                    default -> events.add("unexpected " + instruction.getMsgCase());
                }
            }
            finished.complete("stopped");
        } catch (ConnectionClosedException e) {
            events.add("closed: " + e.getMessage());
            finished.complete("closed: " + e.getMessage());
        } catch (RuntimeException | InterruptedException e) {
            events.add("failed: " + e);
            finished.complete("failed: " + e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(5_000);
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return name + " " + events;
    }
}
