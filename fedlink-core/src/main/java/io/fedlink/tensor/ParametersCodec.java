package io.fedlink.tensor;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fedlink.proto.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between a model as a list of {@link NdArray} and the wire's {@link Parameters}: one {@code .npy}
 * tensor per array, in order, with {@code tensor_type} {@value #NUMPY_TENSOR_TYPE}, as Flower sends them.
 * Stateless and thread-safe.
 */
public final class ParametersCodec {

    /** The {@code tensor_type} Flower uses for {@code .npy} tensors. */
    public static final String NUMPY_TENSOR_TYPE = "numpy.ndarray";

    private ParametersCodec() {
    }

    /** Encodes arrays as {@code Parameters} with {@code tensor_type} {@value #NUMPY_TENSOR_TYPE}. */
    public static Parameters encode(List<NdArray> arrays) {
        Parameters.Builder parameters = Parameters.newBuilder().setTensorType(NUMPY_TENSOR_TYPE);
        for (NdArray array : arrays) {
            // the freshly written array is ours alone: no need for the defensive copy of ByteString.copyFrom
            parameters.addTensors(UnsafeByteOperations.unsafeWrap(Npy.write(array)));
        }
        return parameters.build();
    }

    /** Encodes arrays as {@code Parameters}; see {@link #encode(List)}. */
    public static Parameters encode(NdArray... arrays) {
        return encode(Arrays.asList(arrays));
    }

    /**
     * Decodes every tensor. An empty {@code tensor_type} is read as {@value #NUMPY_TENSOR_TYPE}.
     *
     * @throws NpyFormatException naming the tensor's index if one is not a supported {@code .npy} array,
     *                            or if {@code tensor_type} names another serialisation
     */
    public static List<NdArray> decode(Parameters parameters) {
        requireNumpy(parameters);
        List<NdArray> arrays = new ArrayList<>(parameters.getTensorsCount());
        for (int i = 0; i < parameters.getTensorsCount(); i++) {
            ByteString tensor = parameters.getTensors(i);
            try {
                arrays.add(Npy.read(tensor)); // one copy, from wherever the tensor's bytes are
            } catch (NpyFormatException e) {
                throw new NpyFormatException("Tensor " + i + " of " + parameters.getTensorsCount() + ": " + e.getMessage(), e);
            }
        }
        return arrays;
    }

    /**
     * Checks that {@code parameters} hold {@code .npy} tensors.
     *
     * @throws NpyFormatException if {@code tensor_type} is neither empty nor {@value #NUMPY_TENSOR_TYPE}
     */
    public static void requireNumpy(Parameters parameters) {
        String type = parameters.getTensorType();
        if (!type.isEmpty() && !type.equals(NUMPY_TENSOR_TYPE)) {
            throw new NpyFormatException("Parameters have tensor_type '" + type + "'; fedlink decodes only '"
                    + NUMPY_TENSOR_TYPE + "' (NumPy .npy bytes per tensor)");
        }
    }
}
