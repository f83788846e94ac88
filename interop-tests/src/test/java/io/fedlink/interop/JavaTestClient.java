package io.fedlink.interop;

import com.google.protobuf.ByteString;
import io.fedlink.client.Connection;
import io.fedlink.client.ConnectionClosedException;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fedlink Java client for the interop tests: a {@link CoordinatorChannel}'s connection template, a
 * {@link Connection} answered in its own thread. It sends NOTHING first (as stock Flower clients), answers
 * get_parameters (a weight vector and a bias, float32 .npy), get_properties ({@code language=java}), fit (one
 * step of its weights towards a local target; tensors after the first two come back unchanged), evaluate and
 * reconnect (then it closes the connection).
 */
final class JavaTestClient implements AutoCloseable {

    static final int MODEL_DIM = 8;
    static final int NUM_EXAMPLES = 100;

    private final String name;
    private final CoordinatorChannel channel;
    private final Connection connection;
    private final boolean handshake;
    private final float target;
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> finished = new CompletableFuture<>();
    private final Thread thread;

    private JavaTestClient(String name, CoordinatorChannel channel, boolean handshake, float target) {
        this.name = name;
        this.channel = channel;
        this.handshake = handshake;
        this.target = target;
        this.connection = channel.connectionTemplate().connect();
        this.thread = new Thread(this::serve, "java-client-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Joins a plaintext server; {@code target} is the value the client's weights move towards in fit. */
    static JavaTestClient join(String name, String host, int port, float target) {
        return new JavaTestClient(name, plaintext(host, port), false, target);
    }

    /** As {@link #join}, but first sends the seed's empty hand-shake message (stock Flower servers do not expect it). */
    static JavaTestClient joinWithHandshake(String name, String host, int port) {
        return new JavaTestClient(name, plaintext(host, port), true, 1f);
    }

    /** Joins a TLS server, trusting the PEM certificate. */
    static JavaTestClient joinTls(String name, String host, int port, Path trustedPem) {
        return new JavaTestClient(name, CoordinatorChannel.forTarget(host + ":" + port).trustCertificates(trustedPem.toFile())
                .build(), false, 1f);
    }

    private static CoordinatorChannel plaintext(String host, int port) {
        return CoordinatorChannel.forTarget(host + ":" + port).usePlaintext().build();
    }

    /** The wire names of the instructions answered so far, in order. */
    List<String> handled() {
        return List.copyOf(handled);
    }

    /**
     * Completes with "reconnect" after a reconnect_ins, or "closed: ..." when the server ended the stream;
     * completes exceptionally if the client itself failed.
     */
    CompletableFuture<String> finished() {
        return finished;
    }

    private void serve() {
        try {
            if (handshake) {
                connection.dispatch(ClientMessage.getDefaultInstance());
            }
            while (true) {
                ServerMessage instruction = connection.consume();
                ClientMessage reply = answer(instruction);
                connection.dispatch(reply);
                handled.add(instruction.getMsgCase().name().toLowerCase());
                if (instruction.hasReconnectIns()) {
                    connection.close();
                    finished.complete("reconnect");
                    return;
                }
            }
        } catch (ConnectionClosedException e) {
            finished.complete("closed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            finished.completeExceptionally(e);
        }
    }

    private ClientMessage answer(ServerMessage instruction) {
        Status ok = Status.newBuilder().setCode(Code.OK).setMessage("Success").build();
        return switch (instruction.getMsgCase()) {
            case GET_PARAMETERS_INS -> ClientMessage.newBuilder().setGetParametersRes(ClientMessage.GetParametersRes.newBuilder()
                    .setStatus(ok).setParameters(parameters(List.of(Npy.float32(new float[MODEL_DIM], MODEL_DIM),
                            Npy.float32(new float[1], 1))))).build();
            case GET_PROPERTIES_INS -> ClientMessage.newBuilder().setGetPropertiesRes(ClientMessage.GetPropertiesRes.newBuilder()
                    .setStatus(ok).putProperties("language", Scalar.newBuilder().setString("java").build())
                    .putProperties("name", Scalar.newBuilder().setString(name).build())).build();
            case FIT_INS -> fit(instruction.getFitIns(), ok);
            case EVALUATE_INS -> evaluate(instruction.getEvaluateIns(), ok);
            case RECONNECT_INS -> ClientMessage.newBuilder().setDisconnectRes(ClientMessage.DisconnectRes.newBuilder()
                    .setReason(Reason.RECONNECT)).build();
            case MSG_NOT_SET -> throw new IllegalStateException(name + " received an empty ServerMessage");
        };
    }

    private ClientMessage fit(ServerMessage.FitIns ins, Status ok) {
        List<ByteString> tensors = ins.getParameters().getTensorsList();
        float[] weights = Npy.read(tensors.get(0)).toFloats();
        float[] bias = Npy.read(tensors.get(1)).toFloats();
        for (int i = 0; i < weights.length; i++) {
            weights[i] += 0.5f * (target - weights[i]);
        }
        bias[0] += 0.5f * (target - bias[0]);
        List<ByteString> updated = new java.util.ArrayList<>(List.of(Npy.float32(weights, weights.length), Npy.float32(bias, 1)));
        updated.addAll(tensors.subList(2, tensors.size()));
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setStatus(ok)
                .setParameters(parameters(updated)).setNumExamples(NUM_EXAMPLES)
                .putMetrics("train_loss", Scalar.newBuilder().setDouble(distance(weights)).build())).build();
    }

    private ClientMessage evaluate(ServerMessage.EvaluateIns ins, Status ok) {
        float[] weights = Npy.read(ins.getParameters().getTensors(0)).toFloats();
        double loss = distance(weights);
        return ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder().setStatus(ok)
                .setLoss((float) loss).setNumExamples(NUM_EXAMPLES)
                .putMetrics("accuracy", Scalar.newBuilder().setDouble(1 / (1 + loss)).build())).build();
    }

    private double distance(float[] weights) {
        double sum = 0;
        for (float weight : weights) {
            sum += (weight - target) * (weight - target);
        }
        return sum / weights.length;
    }

    private static Parameters parameters(List<ByteString> tensors) {
        return Parameters.newBuilder().addAllTensors(tensors).setTensorType("numpy.ndarray").build();
    }

    @Override
    public void close() throws InterruptedException {
        connection.abort("test over");
        thread.interrupt();
        thread.join(10_000);
        channel.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
