package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AggregatorTests {

    @ParameterizedTest
    @ValueSource(strings = {"keep-all", "running-sum"})
    void averagesEveryTensorWeightedByNumberOfExamples(String name) {
        Aggregator aggregator = AggregationFigure.aggregator(name);
        aggregator.add(fitRes(1, new float[] {1, 2}, new float[] {10}));
        aggregator.add(fitRes(3, new float[] {5, 6}, new float[] {20}));

        Parameters result = aggregator.result();

        assertThat(result.getTensorType()).isEqualTo("numpy.ndarray");
        assertThat(values(result, 0)).containsExactly(4f, 5f);
        assertThat(values(result, 1)).containsExactly(17.5f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep-all", "running-sum"})
    void refusesToAggregateNothing(String name) {
        assertThatThrownBy(() -> AggregationFigure.aggregator(name).result()).isInstanceOf(IllegalStateException.class);
    }

    @org.junit.jupiter.api.Test
    void theFedlinkAdapterSaysItIsNotPluggedInUntilItIs() {
        if (!FedlinkFedAvgAdapter.AVAILABLE) {
            assertThatThrownBy(() -> new FedlinkFedAvgAdapter().result())
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("not plugged");
        }
    }

    private static ClientMessage.FitRes fitRes(long examples, float[]... tensors) {
        Parameters.Builder parameters = Parameters.newBuilder().setTensorType(Payloads.TENSOR_TYPE);
        for (float[] tensor : tensors) {
            parameters.addTensors(NpyFloat32.of(tensor));
        }
        return ClientMessage.FitRes.newBuilder().setParameters(parameters).setNumExamples(examples).build();
    }

    private static List<Float> values(Parameters parameters, int tensor) {
        FloatBuffer floats = NpyFloat32.floats(parameters.getTensors(tensor));
        Float[] values = new Float[floats.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = floats.get(i);
        }
        return List.of(values);
    }
}
