package io.fedlink.benchmarks;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.Status;
import java.util.ArrayList;
import java.util.List;

/** The messages the benchmarks exchange: models made of float32 {@code .npy} tensors, and fit instructions/replies. */
final class Payloads {

    /** Flower's tensor type for {@code .npy} bytes. */
    static final String TENSOR_TYPE = "numpy.ndarray";

    private Payloads() {
    }

    /**
     * A model of about {@code modelBytes} of float32 data, split into tensors of at most {@code tensorBytes},
     * every value {@code value}. Tensors of the same length share one byte array: the model costs one tensor of
     * heap per distinct length, not {@code modelBytes}, unless {@code distinct} is set.
     */
    static Parameters model(long modelBytes, int tensorBytes, float value, boolean distinct) {
        if (modelBytes < Float.BYTES || tensorBytes < Float.BYTES) {
            throw new IllegalArgumentException("model and tensor sizes must hold at least one float, were "
                    + modelBytes + " and " + tensorBytes);
        }
        List<ByteString> tensors = new ArrayList<>();
        long remainingFloats = modelBytes / Float.BYTES;
        int floatsPerTensor = tensorBytes / Float.BYTES;
        ByteString full = null;
        while (remainingFloats > 0) {
            int count = (int) Math.min(floatsPerTensor, remainingFloats);
            ByteString tensor;
            if (count == floatsPerTensor && !distinct) {
                if (full == null) {
                    full = NpyFloat32.filled(count, value);
                }
                tensor = full;
            } else {
                tensor = NpyFloat32.filled(count, value);
            }
            tensors.add(tensor);
            remainingFloats -= count;
        }
        return Parameters.newBuilder().addAllTensors(tensors).setTensorType(TENSOR_TYPE).build();
    }

    /** {@code fit_ins} carrying {@code parameters}. */
    static ServerMessage fitIns(Parameters parameters) {
        return ServerMessage.newBuilder()
                .setFitIns(ServerMessage.FitIns.newBuilder().setParameters(parameters))
                .build();
    }

    /** {@code evaluate_ins} carrying {@code parameters}. */
    static ServerMessage evaluateIns(Parameters parameters) {
        return ServerMessage.newBuilder()
                .setEvaluateIns(ServerMessage.EvaluateIns.newBuilder().setParameters(parameters))
                .build();
    }

    /** {@code fit_res} carrying {@code parameters}, trained on {@code numExamples} examples. */
    static ClientMessage fitRes(Parameters parameters, long numExamples) {
        return ClientMessage.newBuilder()
                .setFitRes(ClientMessage.FitRes.newBuilder()
                        .setStatus(Status.getDefaultInstance())
                        .setParameters(parameters)
                        .setNumExamples(numExamples))
                .build();
    }

    /** Total bytes of tensor data in {@code parameters} (headers included). */
    static long tensorBytes(Parameters parameters) {
        long total = 0;
        for (ByteString tensor : parameters.getTensorsList()) {
            total += tensor.size();
        }
        return total;
    }
}
