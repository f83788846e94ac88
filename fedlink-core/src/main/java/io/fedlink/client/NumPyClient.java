package io.fedlink.client;

import io.fedlink.tensor.NdArray;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The typed client every Flower tutorial writes (Flower's {@code NumPyClient}): models are lists of {@link NdArray},
 * configs and metrics plain Java maps ({@code Double}, {@code Long}, {@code Boolean}, {@code String}, {@code byte[]};
 * see {@link io.fedlink.wire.Scalars}). fedlink adapts it to the wire ({@link #asFederatedClient()}; in a Spring
 * application a bean of this type is enough), so a client never builds a {@code Status}, {@code Scalar} or
 * {@code Parameters} by hand.
 *
 * <pre>{@code
 * @Component
 * class Trainer implements NumPyClient {
 *     public List<NdArray> getParameters(Map<String, Object> config) { return model.weights(); }
 *     public FitResult fit(List<NdArray> parameters, Map<String, Object> config) {
 *         model.setWeights(parameters);
 *         double loss = model.train((Double) config.getOrDefault("learning_rate", 0.05));
 *         return new FitResult(model.weights(), examples, Map.of("train_loss", loss));
 *     }
 *     public EvaluateResult evaluate(List<NdArray> parameters, Map<String, Object> config) { ... }
 * }
 * }</pre>
 *
 * <p>As with Flower, a method left as its default answers with the instruction's {@code *_NOT_IMPLEMENTED} status
 * (a Flower server then uses empty initial parameters if it asked this client for them); a method that throws is
 * answered with a non-OK status naming the exception. Methods are called one at a time on the client's runner thread.
 */
public interface NumPyClient {

    /**
     * This client's properties (Flower's {@code get_properties}).
     *
     * @param config what the server asked, as plain values
     */
    default Map<String, ?> getProperties(Map<String, Object> config) {
        throw new NotImplemented("getProperties");
    }

    /**
     * This client's current model (Flower's {@code get_parameters}): a Flower server without initial parameters asks
     * one client for them.
     */
    default List<NdArray> getParameters(Map<String, Object> config) {
        throw new NotImplemented("getParameters");
    }

    /** Trains on local data starting from {@code parameters} (Flower's {@code fit}). */
    FitResult fit(List<NdArray> parameters, Map<String, Object> config);

    /** Evaluates {@code parameters} on local data (Flower's {@code evaluate}). */
    default EvaluateResult evaluate(List<NdArray> parameters, Map<String, Object> config) {
        throw new NotImplemented("evaluate");
    }

    /** This client on the wire: the {@link FederatedClient} a {@link ClientRunner} runs. */
    default FederatedClient asFederatedClient() {
        return new NumPyClientAdapter(this);
    }

    /**
     * What {@link #fit} returns (Flower's {@code (parameters, num_examples, metrics)}).
     *
     * @param parameters  the updated model
     * @param numExamples how many examples it was trained on (its weight in the mean)
     * @param metrics     plain values: Double, Long/Integer, Boolean, String, byte[]
     */
    record FitResult(List<NdArray> parameters, long numExamples, Map<String, ?> metrics) {

        public FitResult {
            parameters = List.copyOf(parameters);
            metrics = Map.copyOf(Objects.requireNonNull(metrics, "metrics"));
        }

        /** A result without metrics. */
        public FitResult(List<NdArray> parameters, long numExamples) {
            this(parameters, numExamples, Map.of());
        }
    }

    /**
     * What {@link #evaluate} returns (Flower's {@code (loss, num_examples, metrics)}).
     *
     * @param loss        the loss (sent as a float, as on the wire)
     * @param numExamples how many examples it was evaluated on
     * @param metrics     plain values, for example {@code accuracy}
     */
    record EvaluateResult(double loss, long numExamples, Map<String, ?> metrics) {

        public EvaluateResult {
            metrics = Map.copyOf(Objects.requireNonNull(metrics, "metrics"));
        }

        /** A result without metrics. */
        public EvaluateResult(double loss, long numExamples) {
            this(loss, numExamples, Map.of());
        }
    }

    /** Thrown by the methods a client does not override: answered with the instruction's {@code *_NOT_IMPLEMENTED}. */
    final class NotImplemented extends UnsupportedOperationException {

        NotImplemented(String method) {
            super("Client does not implement NumPyClient." + method);
        }
    }
}
