package io.fedlink.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientProxy;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestResources;
import io.fedlink.test.process.ManagedProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whatever the wire contract allows crosses from the coordinator to a Flower-style Python client and back: every
 * {@code Scalar} kind with its edge values in config maps, metrics and properties, non-ASCII keys, strings and status
 * messages, and empty {@code Parameters}. The Python client ({@code --echo-config}) converts each value to Python
 * and back as Flower does, so the test also pins down Flower's one lossy mapping: an {@code int} goes back as
 * {@code sint64}, so a {@code uint64} comes back as {@code sint64} whenever it fits one.
 */
class WireContractInteropTests {

    private static final String NON_ASCII = "Grüße, naïve café – 世界 ✓ 🚀";

    @RegisterExtension
    final TestResources resources = new TestResources();
    private final InteropFixture fixture = new InteropFixture(resources);

    @Test
    void everyScalarKindNonAsciiTextAndEmptyParametersSurviveATripThroughAFlowerStylePythonClient() throws Exception {
        TestCoordinator coordinator = fixture.coordinator(InteropFixture.coordinatorBuilder());
        ManagedProcess python = fixture.pythonClient("python-echo", coordinator.target(), "--echo-config");
        ClientProxy client = fixture.awaitClients(coordinator, 1, Duration.ofSeconds(60)).get(0);
        Map<String, Scalar> sent = everyScalarKind();

        ClientMessage.GetParametersRes parameters = client.getParameters(ServerMessage.GetParametersIns.getDefaultInstance());
        assertThat(parameters.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(parameters.getParameters().getTensorsList()).as("an empty model is a valid model").isEmpty();
        assertThat(parameters.getParameters().getTensorType()).isEqualTo("numpy.ndarray");

        ClientMessage.GetPropertiesRes properties = client.getProperties(ServerMessage.GetPropertiesIns.newBuilder()
                .putAllConfig(sent).build());
        assertThat(properties.getStatus().getMessage()).as("non-ASCII status message").isEqualTo(NON_ASCII);
        Map<String, Scalar> echoed = new LinkedHashMap<>();
        Map<String, Scalar> pythonViews = new LinkedHashMap<>();
        properties.getPropertiesMap().forEach((key, value) -> (key.startsWith("python:") ? pythonViews : echoed).put(key, value));
        assertThat(echoed).isEqualTo(asFlowerSendsItBack(sent));
        assertThat(pythonViews).hasSize(sent.size()).containsAllEntriesOf(Map.of(
                "python:uint64 max", string("int:18446744073709551615"),
                "python:uint64 small", string("int:7"),
                "python:sint64 min", string("int:-9223372036854775808"),
                "python:double nan", string("float:nan"),
                "python:double -0", string("float:-0.0"),
                "python:bool false", string("bool:False"),
                "python:bytes empty", string("bytes:b''"),
                "python:", string("str:''"),
                "python:schlüssel 鍵", string("str:" + "'" + NON_ASCII + "'")));
        assertThat(pythonViews.get("python:bytes all").getString()).startsWith("bytes:b'\\x00\\x01\\x02").endsWith("\\xfe\\xff'");

        ClientMessage.FitRes emptyFit = client.fit(ServerMessage.FitIns.newBuilder()
                .setParameters(Parameters.newBuilder().setTensorType("numpy.ndarray")).putAllConfig(sent).build());
        assertThat(emptyFit.getStatus().getMessage()).isEqualTo(NON_ASCII);
        assertThat(emptyFit.getParameters().getTensorsList()).isEmpty();
        assertThat(emptyFit.getNumExamples()).isZero();
        assertThat(emptyFit.getMetricsMap()).isEqualTo(asFlowerSendsItBack(sent));

        ClientMessage.FitRes unsetFit = client.fit(ServerMessage.FitIns.getDefaultInstance());
        assertThat(unsetFit.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(unsetFit.getParameters().getTensorsList()).as("parameters never set: zero tensors").isEmpty();
        assertThat(unsetFit.getMetricsMap()).isEmpty();

        ClientMessage.EvaluateRes evaluate = client.evaluate(ServerMessage.EvaluateIns.newBuilder()
                .putAllConfig(sent).putConfig("loss", Scalar.newBuilder().setDouble(0.25).build()).build());
        assertThat(evaluate.getLoss()).isEqualTo(0.25f);
        assertThat(evaluate.getMetricsMap()).containsAllEntriesOf(asFlowerSendsItBack(sent)).hasSize(sent.size() + 1);

        assertThat(client.reconnect(0).getReason()).isEqualTo(Reason.RECONNECT);
        python.awaitSuccess(Duration.ofSeconds(60));
        assertThat(python.output()).contains("SHUTDOWN reconnect_ins seconds=0");
    }

    /** Each oneof case of Scalar with its edge values, under ASCII, non-ASCII and empty keys. */
    private static Map<String, Scalar> everyScalarKind() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Map<String, Scalar> config = new LinkedHashMap<>();
        config.put("double pi", Scalar.newBuilder().setDouble(Math.PI).build());
        config.put("double nan", Scalar.newBuilder().setDouble(Double.NaN).build());
        config.put("double -0", Scalar.newBuilder().setDouble(-0.0).build());
        config.put("double -inf", Scalar.newBuilder().setDouble(Double.NEGATIVE_INFINITY).build());
        config.put("double tiny", Scalar.newBuilder().setDouble(Double.MIN_VALUE).build());
        config.put("uint64 small", Scalar.newBuilder().setUint64(7).build());
        config.put("uint64 max", Scalar.newBuilder().setUint64(-1L).build()); // 2^64 - 1 on the wire
        config.put("sint64 min", Scalar.newBuilder().setSint64(Long.MIN_VALUE).build());
        config.put("sint64 max", Scalar.newBuilder().setSint64(Long.MAX_VALUE).build());
        config.put("bool true", Scalar.newBuilder().setBool(true).build());
        config.put("bool false", Scalar.newBuilder().setBool(false).build());
        config.put("status_message", string(NON_ASCII));
        config.put("schlüssel 鍵", string(NON_ASCII));
        config.put("", string(""));
        config.put("bytes all", Scalar.newBuilder().setBytes(ByteString.copyFrom(all)).build());
        config.put("bytes empty", Scalar.newBuilder().setBytes(ByteString.EMPTY).build());
        return config;
    }

    /** What a Flower client sends back for each value: the same Scalar, except an int that fits sint64 becomes one. */
    private static Map<String, Scalar> asFlowerSendsItBack(Map<String, Scalar> sent) {
        Map<String, Scalar> back = new LinkedHashMap<>(sent);
        back.put("uint64 small", Scalar.newBuilder().setSint64(7).build());
        return back;
    }

    private static Scalar string(String value) {
        return Scalar.newBuilder().setString(value).build();
    }
}
