package io.fedlink.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NdArrayTests {

    @Test
    void factoriesWithoutAShapeMakeOneDimensionalArrays() {
        NdArray array = NdArray.of(new double[] {1, 2, 3});
        assertThat(array.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(array.shape()).containsExactly(3);
        assertThat(array.ndim()).isEqualTo(1);
        assertThat(array.size()).isEqualTo(3);
        assertThat(array.nbytes()).isEqualTo(24);
    }

    @Test
    void scalarsHaveAnEmptyShapeAndOneElement() {
        NdArray scalar = NdArray.scalar(2.5f);
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.size()).isEqualTo(1);
        assertThat(scalar.getDouble(0)).isEqualTo(2.5);
        assertThat(NdArray.scalar(9L).toLongArray()).containsExactly(9L);
    }

    @Test
    void emptyArraysHoldNoElements() {
        NdArray empty = NdArray.zeros(DType.INT32, 4, 0, 2);
        assertThat(empty.size()).isZero();
        assertThat(empty.toIntArray()).isEmpty();
        assertThat(empty.shape()).containsExactly(4, 0, 2);
    }

    @Test
    void rejectsAShapeThatDoesNotMatchTheValues() {
        assertThatThrownBy(() -> NdArray.of(new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape (2, 2) holds 4 elements but 3 values were given");
        assertThatThrownBy(() -> NdArray.of(new int[] {1}, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension");
    }

    @Test
    void typedAccessorsRefuseTheWrongDtypeNamingTheRightAccessor() {
        NdArray doubles = NdArray.of(new double[] {1});
        assertThatThrownBy(doubles::toFloatArray).isInstanceOf(IllegalStateException.class)
                .hasMessage("toFloatArray() needs a float32 array; this one is float64 (use toDoubleArray())");
        assertThatThrownBy(doubles::toLongArray).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an integer array");
        assertThat(NdArray.of(new int[] {3, -4}).toDoubleArray()).containsExactly(3.0, -4.0);
    }

    @Test
    void fromDoublesConvertsToTheRequestedDtype() {
        assertThat(NdArray.fromDoubles(DType.FLOAT32, new double[] {0.1}, 1).toFloatArray()).containsExactly(0.1f);
        assertThat(NdArray.fromDoubles(DType.INT32, new double[] {2.5, -2.5, 1e12}, 3).toIntArray())
                .containsExactly(3, -2, Integer.MAX_VALUE);
        assertThat(NdArray.fromDoubles(DType.UINT8, new double[] {-5, 300, 7.4}, 3).toIntArray()).containsExactly(0, 255, 7);
        assertThat(NdArray.fromDoubles(DType.FLOAT64, new double[] {4}).shape()).isEmpty();
    }

    @Test
    void isImmutable() {
        float[] values = {1, 2};
        NdArray array = NdArray.of(values);
        values[0] = 99;
        array.toFloatArray()[1] = 99;
        array.shape()[0] = 99;
        assertThat(array.toFloatArray()).containsExactly(1, 2);
        assertThat(array.shape()).containsExactly(2);
        assertThat(array.dataBuffer().isReadOnly()).isTrue();
    }

    @Test
    void equalityIsByDtypeShapeAndElementBytes() {
        assertThat(NdArray.of(new float[] {1, 2}, 1, 2)).isEqualTo(NdArray.of(new float[] {1, 2}, 1, 2))
                .hasSameHashCodeAs(NdArray.of(new float[] {1, 2}, 1, 2))
                .isNotEqualTo(NdArray.of(new float[] {1, 2}, 2, 1))
                .isNotEqualTo(NdArray.of(new double[] {1, 2}, 1, 2));
        assertThat(NdArray.of(new double[] {Double.NaN})).isEqualTo(NdArray.of(new double[] {Double.NaN}));
    }

    @Test
    void reshapeKeepsTheElements() {
        NdArray array = NdArray.of(new long[] {1, 2, 3, 4, 5, 6}).reshape(3, 2);
        assertThat(array.shape()).containsExactly(3, 2);
        assertThat(array.getLong(5)).isEqualTo(6);
        assertThatThrownBy(() -> array.reshape(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot reshape (3, 2) (6 elements) to (4,)");
    }

    @Test
    void printsDtypeShapeAndTheFirstValues() {
        assertThat(NdArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .hasToString("NdArray[float32 (2, 3): 1.0, 2.0, 3.0, 4.0, 5.0, ...]");
        assertThat(NdArray.scalar(7)).hasToString("NdArray[int32 (): 7]");
    }
}
