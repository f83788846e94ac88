package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@link NumPyClient} answers the wire through its adapter: typed arrays and plain maps in, Flower's replies out. */
class NumPyClientTests {

    /** Adds the config's "step" to every weight; evaluates with loss = first weight. */
    private static final class Stepper implements NumPyClient {
        Map<String, Object> lastConfig;

        @Override
        public List<NdArray> getParameters(Map<String, Object> config) {
            return List.of(NdArray.of(new float[] {0f, 0f}));
        }

        @Override
        public FitResult fit(List<NdArray> parameters, Map<String, Object> config) {
            lastConfig = config;
            float step = ((Double) config.get("step")).floatValue();
            float[] weights = parameters.get(0).toFloatArray();
            for (int i = 0; i < weights.length; i++) {
                weights[i] += step;
            }
            return new FitResult(List.of(NdArray.of(weights)), 42, Map.of("train_loss", 0.25, "steps", 3));
        }

        @Override
        public EvaluateResult evaluate(List<NdArray> parameters, Map<String, Object> config) {
            return new EvaluateResult(parameters.get(0).getDouble(0), 7, Map.of("accuracy", 0.5));
        }
    }

    private static ServerMessage fitIns(double step, float... weights) {
        return ServerMessage.newBuilder().setFitIns(ServerMessage.FitIns.newBuilder()
                .setParameters(ParametersCodec.encode(NdArray.of(weights)))
                .putConfig("step", Scalar.newBuilder().setDouble(step).build())
                .putConfig("round", Scalar.newBuilder().setSint64(4).build())).build();
    }

    @Test
    void fitTakesArraysAndPlainConfigAndItsResultBecomesAnOkFitRes() {
        Stepper client = new Stepper();
        InstructionDispatcher dispatcher = new InstructionDispatcher(client.asFederatedClient());

        ClientMessage.FitRes res = dispatcher.dispatch(fitIns(0.5, 1f, 2f)).getFitRes();

        assertThat(res.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(ParametersCodec.decode(res.getParameters()).get(0).toFloatArray()).containsExactly(1.5f, 2.5f);
        assertThat(res.getNumExamples()).isEqualTo(42);
        assertThat(res.getMetricsMap()).containsEntry("train_loss", Scalar.newBuilder().setDouble(0.25).build())
                .containsEntry("steps", Scalar.newBuilder().setSint64(3).build());
        assertThat(client.lastConfig).containsEntry("round", 4L).containsEntry("step", 0.5);
    }

    @Test
    void getParametersAndEvaluateAnswerWithTheirResults() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new Stepper().asFederatedClient());

        ClientMessage.GetParametersRes parameters = dispatcher.dispatch(ServerMessage.newBuilder()
                .setGetParametersIns(ServerMessage.GetParametersIns.getDefaultInstance()).build()).getGetParametersRes();
        ClientMessage.EvaluateRes evaluation = dispatcher.dispatch(ServerMessage.newBuilder().setEvaluateIns(
                ServerMessage.EvaluateIns.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(new float[] {0.75f}))))
                .build()).getEvaluateRes();

        assertThat(parameters.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(ParametersCodec.decode(parameters.getParameters()).get(0).toFloatArray()).containsExactly(0f, 0f);
        assertThat(evaluation.getLoss()).isEqualTo(0.75f);
        assertThat(evaluation.getNumExamples()).isEqualTo(7);
        assertThat(evaluation.getMetricsMap().get("accuracy").getDouble()).isEqualTo(0.5);
    }

    @Test
    void methodsLeftAsTheirDefaultsAnswerNotImplementedAsFlowerDoes() {
        NumPyClient fitOnly = (parameters, config) -> new NumPyClient.FitResult(parameters, 1);
        InstructionDispatcher dispatcher = new InstructionDispatcher(fitOnly.asFederatedClient());

        ClientMessage.GetParametersRes parameters = dispatcher.dispatch(ServerMessage.newBuilder()
                .setGetParametersIns(ServerMessage.GetParametersIns.getDefaultInstance()).build()).getGetParametersRes();
        ClientMessage.EvaluateRes evaluation = dispatcher.dispatch(ServerMessage.newBuilder()
                .setEvaluateIns(ServerMessage.EvaluateIns.getDefaultInstance()).build()).getEvaluateRes();
        ClientMessage.GetPropertiesRes properties = dispatcher.dispatch(ServerMessage.newBuilder()
                .setGetPropertiesIns(ServerMessage.GetPropertiesIns.getDefaultInstance()).build()).getGetPropertiesRes();

        assertThat(parameters.getStatus().getCode()).isEqualTo(Code.GET_PARAMETERS_NOT_IMPLEMENTED);
        assertThat(parameters.getStatus().getMessage()).isEqualTo("Client does not implement NumPyClient.getParameters");
        assertThat(evaluation.getStatus().getCode()).isEqualTo(Code.EVALUATE_NOT_IMPLEMENTED);
        assertThat(properties.getStatus().getCode()).isEqualTo(Code.GET_PROPERTIES_NOT_IMPLEMENTED);
    }

    @Test
    void aFitThatThrowsIsAnsweredWithAnErrorStatusAndTheClientKeepsServing() {
        NumPyClient failing = (parameters, config) -> {
            throw new IllegalArgumentException("expected 3 tensors");
        };
        InstructionDispatcher dispatcher = new InstructionDispatcher(failing.asFederatedClient());

        ClientMessage.FitRes res = dispatcher.dispatch(fitIns(1, 1f)).getFitRes();

        assertThat(res.getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(res.getStatus().getMessage())
                .isEqualTo("client error: java.lang.IllegalArgumentException: expected 3 tensors");
    }
}
