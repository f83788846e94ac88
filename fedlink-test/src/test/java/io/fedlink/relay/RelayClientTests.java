package io.fedlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.TestCoordinator;
import io.fedlink.wire.Scalars;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a relay answers its upstream coordinator, with real clients joined to the relay's coordinator side over
 * in-process streams: the weighted mean and the example total, failures counted and not hidden, the failure rule,
 * a relay without clients, parameters from one client, its client count as a property.
 */
class RelayClientTests {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Parameters MODEL = ParametersCodec.encode(NdArray.of(new float[] {0f, 0f}, 2));

    private final TestCoordinator relayServer = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(2)).start();

    @AfterEach
    void stop() {
        relayServer.close(); // stops the clients of its federation too
    }

    /** A client whose fit returns {@code value} in both elements with {@code examples} examples and metric acc = value. */
    private static FederatedClient constant(float value, long examples) {
        return new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                return FitRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(new float[] {value, 2 * value}, 2)))
                        .setNumExamples(examples).putMetrics("acc", Scalars.of("acc", (double) value)).build();
            }

            @Override
            public EvaluateRes evaluate(EvaluateIns ins) {
                return EvaluateRes.newBuilder().setLoss(value).setNumExamples(examples)
                        .putMetrics("acc", Scalars.of("acc", (double) value)).build();
            }

            @Override
            public GetParametersRes getParameters(GetParametersIns ins) {
                return GetParametersRes.newBuilder().setParameters(MODEL).build();
            }
        };
    }

    private static FederatedClient failing() {
        return new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                throw new IllegalStateException("out of memory on the device");
            }
        };
    }

    private void join(FederatedClient... clients) {
        for (FederatedClient client : clients) {
            relayServer.federation().start(client);
        }
        await().atMost(BOUND).until(() -> relayServer.clientManager().numAvailable() == clients.length);
    }

    private RelayClient relay(boolean acceptFailures) {
        return new RelayClient(relayServer.clientManager(), new RelaySettings(1, Duration.ofSeconds(5), Duration.ofSeconds(5), 64,
                acceptFailures, true));
    }

    private static FitIns fitIns() {
        return FitIns.newBuilder().setParameters(MODEL).build();
    }

    @Test
    void fitAnswersTheWeightedMeanTheExampleTotalAndWeightedMetrics() {
        join(constant(1f, 10), constant(4f, 30));

        FitRes answer = relay(true).fit(fitIns());

        assertThat(answer.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(answer.getNumExamples()).isEqualTo(40);
        assertThat(ParametersCodec.decode(answer.getParameters()).get(0).toFloatArray()).containsExactly(3.25f, 6.5f);
        assertThat(answer.getMetricsMap().get("acc").getDouble()).isEqualTo(3.25);
        assertThat(answer.getMetricsMap().get(RelayMetrics.REPLIES).getSint64()).isEqualTo(2);
        assertThat(answer.getMetricsMap().get(RelayMetrics.FAILURES).getSint64()).isZero();
    }

    @Test
    void aFailedClientIsCountedInTheAnswerAndLeftOutOfTheMean() {
        join(constant(1f, 10), constant(4f, 30), failing());

        FitRes answer = relay(true).fit(fitIns());

        assertThat(answer.getNumExamples()).isEqualTo(40);
        assertThat(ParametersCodec.decode(answer.getParameters()).get(0).toFloatArray()).containsExactly(3.25f, 6.5f);
        assertThat(answer.getMetricsMap().get(RelayMetrics.REPLIES).getSint64()).isEqualTo(2);
        assertThat(answer.getMetricsMap().get(RelayMetrics.FAILURES).getSint64()).isEqualTo(1);
    }

    @Test
    void withAcceptFailuresFalseAFailedClientFailsTheRelaysAnswerNamingTheSetting() {
        join(constant(1f, 10), failing());

        assertThatThrownBy(() -> relay(false).fit(fitIns())).isInstanceOf(RelayException.class)
                .hasMessageContaining("1 of its 2 clients failed").hasMessageContaining("fedlink.relay.accept-failures")
                .hasMessageContaining("out of memory on the device");
    }

    @Test
    void aRelayWhoseClientsAllFailSaysSoInsteadOfAnsweringAnEmptyModel() {
        join(failing(), failing());

        assertThatThrownBy(() -> relay(true).fit(fitIns())).isInstanceOf(RelayException.class)
                .hasMessageContaining("none of its 2 clients returned a usable fit_res");
    }

    @Test
    void aRelayWithoutClientsGivesUpAfterTheQuorumTimeoutNamingTheSetting() {
        assertThatThrownBy(() -> relay(true).fit(fitIns())).isInstanceOf(RelayException.class)
                .hasMessageContaining("fedlink.relay.min-clients is 1")
                .hasMessageContaining("raise quorumTimeout"); // named fedlink.server.quorum.timeout in a Spring relay
    }

    @Test
    void evaluateAveragesLossAndMetricsByExamplesAndAnswersTheTotal() {
        join(constant(1f, 10), constant(4f, 30));

        EvaluateRes answer = relay(true).evaluate(EvaluateIns.newBuilder().setParameters(MODEL).build());

        assertThat(answer.getNumExamples()).isEqualTo(40);
        assertThat(answer.getLoss()).isEqualTo(3.25f);
        assertThat(answer.getMetricsMap().get("acc").getDouble()).isEqualTo(3.25);
        assertThat(answer.getMetricsMap().get(RelayMetrics.REPLIES).getSint64()).isEqualTo(2);
    }

    @Test
    void getParametersIsAnsweredByAClientAndGetPropertiesCountsTheClients() {
        join(constant(1f, 10), constant(4f, 30));
        RelayClient relay = relay(true);

        assertThat(relay.getParameters(GetParametersIns.getDefaultInstance()).getParameters()).isEqualTo(MODEL);
        Map<String, Scalar> properties = relay.getProperties(GetPropertiesIns.getDefaultInstance()).getPropertiesMap();
        assertThat(properties.get(RelayMetrics.CLIENTS).getSint64()).isEqualTo(2);
    }

    @Test
    void aNestedRelaysCountsAddUpAsLeafClients() {
        FederatedClient nested = new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                return FitRes.newBuilder().setParameters(ParametersCodec.encode(NdArray.of(new float[] {2f, 4f}, 2)))
                        .setNumExamples(50).putMetrics(RelayMetrics.REPLIES, Scalars.of("r", 5L))
                        .putMetrics(RelayMetrics.FAILURES, Scalars.of("f", 2L)).build();
            }
        };
        join(nested, constant(1f, 10), failing());

        FitRes answer = relay(true).fit(fitIns());

        assertThat(answer.getMetricsMap().get(RelayMetrics.REPLIES).getSint64()).isEqualTo(6);
        assertThat(answer.getMetricsMap().get(RelayMetrics.FAILURES).getSint64()).isEqualTo(3);
    }
}
