package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Reason;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.ServerMessage.ReconnectIns;
import io.fedlink.proto.ServerMessage;
import io.fedlink.wire.Instructions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InstructionDispatcherTests {

    private static final Parameters WEIGHTS = Parameters.newBuilder()
            .addTensors(ByteString.copyFromUtf8("w")).setTensorType("numpy.ndarray").build();

    private static final ServerMessage GET_PROPERTIES = ServerMessage.newBuilder()
            .setGetPropertiesIns(GetPropertiesIns.getDefaultInstance()).build();
    private static final ServerMessage GET_PARAMETERS = ServerMessage.newBuilder()
            .setGetParametersIns(GetParametersIns.getDefaultInstance()).build();
    private static final ServerMessage FIT = ServerMessage.newBuilder()
            .setFitIns(FitIns.newBuilder().setParameters(WEIGHTS)).build();
    private static final ServerMessage EVALUATE = ServerMessage.newBuilder()
            .setEvaluateIns(EvaluateIns.newBuilder().setParameters(WEIGHTS)).build();
    private static final ServerMessage RECONNECT = ServerMessage.newBuilder()
            .setReconnectIns(ReconnectIns.newBuilder().setSeconds(5)).build();

    @Test
    void aFailureReplyHasTheInstructionsReplyCaseItsNotImplementedCodeAndTheCause() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
        });
        IllegalStateException cause = new IllegalStateException("reply too large");

        assertThat(dispatcher.failure(FIT, cause).getFitRes().getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(dispatcher.failure(FIT, cause).getFitRes().getStatus().getMessage())
                .isEqualTo("client error: java.lang.IllegalStateException: reply too large");
        assertThat(dispatcher.failure(EVALUATE, cause).getEvaluateRes().getStatus().getCode())
                .isEqualTo(Code.EVALUATE_NOT_IMPLEMENTED);
        assertThat(dispatcher.failure(GET_PARAMETERS, cause).getGetParametersRes().getStatus().getCode())
                .isEqualTo(Code.GET_PARAMETERS_NOT_IMPLEMENTED);
        assertThat(dispatcher.failure(GET_PROPERTIES, cause).getGetPropertiesRes().getStatus().getCode())
                .isEqualTo(Code.GET_PROPERTIES_NOT_IMPLEMENTED);
        assertThat(dispatcher.failure(RECONNECT, cause).getDisconnectRes().getReason()).isEqualTo(Reason.RECONNECT);
    }

    @Test
    void everyInstructionIsAnsweredWithItsMatchingReplyCase() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new AnsweringClient());

        for (ServerMessage instruction : new ServerMessage[] {GET_PROPERTIES, GET_PARAMETERS, FIT, EVALUATE, RECONNECT}) {
            assertThat(dispatcher.dispatch(instruction).getMsgCase())
                    .as(Instructions.name(instruction.getMsgCase()))
                    .isEqualTo(Instructions.expectedReply(instruction.getMsgCase()));
        }
    }

    @Test
    void theClientsReplyIsPassedOnUnchanged() {
        FitRes fitRes = FitRes.newBuilder().setParameters(WEIGHTS).setNumExamples(11).build();
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                assertThat(ins).isEqualTo(FIT.getFitIns());
                return fitRes;
            }
        });

        assertThat(dispatcher.dispatch(FIT).getFitRes()).isEqualTo(fitRes);
    }

    @Test
    void reconnectInsIsAnsweredWithDisconnectResReconnectWithoutCallingTheClient() {
        AtomicInteger calls = new AtomicInteger();
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                calls.incrementAndGet();
                return FitRes.getDefaultInstance();
            }
        });

        ClientMessage reply = dispatcher.dispatch(RECONNECT);

        assertThat(reply.getDisconnectRes().getReason()).isEqualTo(Reason.RECONNECT);
        assertThat(calls).hasValue(0);
    }

    @Test
    void aThrowingHandlerIsAnsweredWithTheInstructionsNonOkCodeAndTheExceptionInTheMessage() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
            @Override
            public GetPropertiesRes getProperties(GetPropertiesIns ins) {
                throw new UnsupportedOperationException("no sensors");
            }

            @Override
            public GetParametersRes getParameters(GetParametersIns ins) {
                throw new IllegalStateException();
            }

            @Override
            public FitRes fit(FitIns ins) {
                throw new IllegalArgumentException("bad learning rate");
            }

            @Override
            public EvaluateRes evaluate(EvaluateIns ins) {
                throw new ArithmeticException("/ by zero");
            }
        });

        ClientMessage properties = dispatcher.dispatch(GET_PROPERTIES);
        ClientMessage parameters = dispatcher.dispatch(GET_PARAMETERS);
        ClientMessage fit = dispatcher.dispatch(FIT);
        ClientMessage evaluate = dispatcher.dispatch(EVALUATE);

        assertThat(properties.getGetPropertiesRes().getStatus().getCode()).isEqualTo(Code.GET_PROPERTIES_NOT_IMPLEMENTED);
        assertThat(properties.getGetPropertiesRes().getStatus().getMessage())
                .isEqualTo("client error: java.lang.UnsupportedOperationException: no sensors");
        assertThat(parameters.getGetParametersRes().getStatus().getCode()).isEqualTo(Code.GET_PARAMETERS_NOT_IMPLEMENTED);
        assertThat(parameters.getGetParametersRes().getStatus().getMessage())
                .isEqualTo("client error: java.lang.IllegalStateException");
        assertThat(fit.getFitRes().getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(fit.getFitRes().getStatus().getMessage())
                .isEqualTo("client error: java.lang.IllegalArgumentException: bad learning rate");
        assertThat(fit.getFitRes().hasParameters()).isFalse();
        assertThat(evaluate.getEvaluateRes().getStatus().getCode()).isEqualTo(Code.EVALUATE_NOT_IMPLEMENTED);
        assertThat(evaluate.getEvaluateRes().getStatus().getMessage()).startsWith(InstructionDispatcher.CLIENT_ERROR_PREFIX);
    }

    @Test
    void aHandlerThatReturnsNullIsAnsweredAsAClientError() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                return null;
            }
        });

        FitRes reply = dispatcher.dispatch(FIT).getFitRes();

        assertThat(reply.getStatus().getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(reply.getStatus().getMessage()).isEqualTo(
                "client error: io.fedlink.FedlinkException: FederatedClient handler for fit_ins returned null");
    }

    @Test
    void anErrorIsNotTurnedIntoAReply() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                throw new OutOfMemoryError("simulated");
            }
        });

        assertThatThrownBy(() -> dispatcher.dispatch(FIT)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void aMessageWithoutAKnownInstructionIsRefused() {
        InstructionDispatcher dispatcher = new InstructionDispatcher(new AnsweringClient());
        ServerMessage fromTheFuture = ServerMessage.newBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(42, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
                .build();

        assertThatThrownBy(() -> dispatcher.dispatch(ServerMessage.getDefaultInstance()))
                .isInstanceOf(UnknownInstructionException.class)
                .hasMessageContaining("no instruction this client knows");
        assertThatThrownBy(() -> dispatcher.dispatch(fromTheFuture))
                .isInstanceOf(UnknownInstructionException.class)
                .hasMessageContaining("1 unknown field(s)");
    }

    /** Answers every instruction with a successful reply of its own case. */
    private static final class AnsweringClient implements FederatedClient {
        @Override
        public GetPropertiesRes getProperties(GetPropertiesIns ins) {
            return GetPropertiesRes.newBuilder().putAllProperties(ins.getConfigMap()).build();
        }

        @Override
        public GetParametersRes getParameters(GetParametersIns ins) {
            return GetParametersRes.newBuilder().setParameters(Parameters.getDefaultInstance()).build();
        }

        @Override
        public FitRes fit(FitIns ins) {
            return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(1).build();
        }

        @Override
        public EvaluateRes evaluate(EvaluateIns ins) {
            return EvaluateRes.newBuilder().setLoss(0.5f).setNumExamples(1).build();
        }
    }
}
