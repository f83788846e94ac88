package io.fedlink.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.Status;
import org.junit.jupiter.api.Test;

class FederatedClientTests {

    private final FederatedClient nothingImplemented = new FederatedClient() {
    };

    @Test
    void everyDefaultMethodAnswersWithItsNotImplementedCodeAndSaysWhatToOverride() {
        Status properties = nothingImplemented.getProperties(GetPropertiesIns.getDefaultInstance()).getStatus();
        Status parameters = nothingImplemented.getParameters(GetParametersIns.getDefaultInstance()).getStatus();
        Status fit = nothingImplemented.fit(FitIns.getDefaultInstance()).getStatus();
        Status evaluate = nothingImplemented.evaluate(EvaluateIns.getDefaultInstance()).getStatus();

        assertThat(properties.getCode()).isEqualTo(Code.GET_PROPERTIES_NOT_IMPLEMENTED);
        assertThat(properties.getMessage()).isEqualTo(
                "Client does not implement get_properties_ins: override FederatedClient.getProperties(GetPropertiesIns)");
        assertThat(parameters.getCode()).isEqualTo(Code.GET_PARAMETERS_NOT_IMPLEMENTED);
        assertThat(parameters.getMessage()).contains("override FederatedClient.getParameters(GetParametersIns)");
        assertThat(fit.getCode()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        assertThat(fit.getMessage()).contains("override FederatedClient.fit(FitIns)");
        assertThat(evaluate.getCode()).isEqualTo(Code.EVALUATE_NOT_IMPLEMENTED);
        assertThat(evaluate.getMessage()).contains("override FederatedClient.evaluate(EvaluateIns)");
    }

    @Test
    void aNotImplementedReplyIsTellableFromAClientError() {
        String message = nothingImplemented.fit(FitIns.getDefaultInstance()).getStatus().getMessage();

        assertThat(message).doesNotStartWith(InstructionDispatcher.CLIENT_ERROR_PREFIX);
    }
}
