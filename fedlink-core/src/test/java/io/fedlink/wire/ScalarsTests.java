package io.fedlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fedlink.proto.Scalar;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalarsTests {

    @Test
    void plainJavaValuesBecomeTheScalarsFlowerMakesOfTheSamePythonValues() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("learning_rate", 0.05);
        config.put("dropout", 0.5f);
        config.put("local_epochs", 2);
        config.put("seed", 7L);
        config.put("shuffle", true);
        config.put("optimizer", "sgd");
        config.put("blob", new byte[] {1, 2});
        config.put("huge", new BigInteger("18446744073709551615"));

        Map<String, Scalar> scalars = Scalars.of(config);

        assertThat(scalars.keySet()).containsExactlyElementsOf(config.keySet());
        assertThat(scalars.get("learning_rate")).isEqualTo(Scalar.newBuilder().setDouble(0.05).build());
        assertThat(scalars.get("dropout").getDouble()).isEqualTo(0.5);
        assertThat(scalars.get("local_epochs")).isEqualTo(Scalar.newBuilder().setSint64(2).build());
        assertThat(scalars.get("seed").getSint64()).isEqualTo(7L);
        assertThat(scalars.get("shuffle").getBool()).isTrue();
        assertThat(scalars.get("optimizer").getString()).isEqualTo("sgd");
        assertThat(scalars.get("blob").getBytes()).isEqualTo(ByteString.copyFrom(new byte[] {1, 2}));
        assertThat(scalars.get("huge").getScalarCase()).isEqualTo(Scalar.ScalarCase.UINT64);
    }

    @Test
    void scalarsReadBackAsThePlainValuesTheyCameFrom() {
        Map<String, Object> back = Scalars.toJava(Scalars.of(Map.of("lr", 0.1, "epochs", 3, "name", "x", "flag", false)));

        assertThat(back).containsEntry("lr", 0.1).containsEntry("epochs", 3L).containsEntry("name", "x")
                .containsEntry("flag", false);
        assertThat(Scalars.toJava(Scalar.newBuilder().setUint64(-1L).build()))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(Scalars.toJava(Map.of("unset", Scalar.getDefaultInstance()))).isEmpty();
    }

    @Test
    void aValueFlowerHasNoScalarForIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> Scalars.of(Map.of("schedule", java.util.List.of(1, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Config value 'schedule' is a java.util.")
                .hasMessageEndingWith("Flower config values are double, long/int, boolean, String or byte[]");
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("missing", null);
        assertThatThrownBy(() -> Scalars.of(withNull)).hasMessageStartingWith("Config value 'missing' is null");
        assertThatThrownBy(() -> Scalars.of(Map.of("negative", BigInteger.valueOf(-1).shiftLeft(64))))
                .hasMessageContaining("outside Flower's integer range");
    }
}
