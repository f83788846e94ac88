package io.fedlink.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a client application started without the coordinator's address. */
class ClientTargetNotConfiguredFailureAnalyzer extends AbstractFailureAnalyzer<ClientTargetNotConfiguredException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ClientTargetNotConfiguredException cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                "Set the coordinator's address, for example in application.yml:\n"
                        + "    grpc.client.fedlink.address: static://127.0.0.1:9090\n"
                        + "    grpc.client.fedlink.negotiation-type: plaintext   # or TLS with grpc.client.fedlink.security.*\n"
                        + "or set fedlink.client.auto-startup=false to run the client yourself.", cause);
    }
}
