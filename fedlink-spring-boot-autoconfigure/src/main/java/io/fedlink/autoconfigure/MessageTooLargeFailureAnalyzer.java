package io.fedlink.autoconfigure;

import io.fedlink.MessageTooLargeException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up that failed because a model does not fit the configured message size. */
class MessageTooLargeFailureAnalyzer extends AbstractFailureAnalyzer<MessageTooLargeException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MessageTooLargeException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Raise the receiver's limit above " + cause.size() + " bytes: fedlink.server.max-message-size on the"
                        + " coordinator for what clients send, fedlink.client.max-message-size on each client for what"
                        + " the coordinator sends (Flower clients: grpc.max_receive_message_length). Both default to 512MB.",
                cause);
    }
}
