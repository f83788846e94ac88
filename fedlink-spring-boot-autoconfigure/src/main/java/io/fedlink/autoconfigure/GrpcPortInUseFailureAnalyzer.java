package io.fedlink.autoconfigure;

import java.io.IOException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/** Explains a coordinator that cannot listen because its gRPC port is taken. */
class GrpcPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<IOException> {

    private final Environment environment;

    GrpcPortInUseFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IOException cause) {
        // grpc-java wraps the transport's bind error (a BindException, or netty's native one) in this IOException.
        if (cause.getMessage() == null || !cause.getMessage().startsWith("Failed to bind") || !mentionsGrpc(rootFailure)) {
            return null;
        }
        String detail = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
        String port = environment.getProperty("grpc.server.port", "9090");
        String address = environment.getProperty("grpc.server.address", "*");
        return new FailureAnalysis("The fedlink coordinator could not listen on " + address + ":" + port
                + ": the port is already in use (" + detail + ").",
                "Stop the process that uses port " + port + ", or set grpc.server.port to a free port (0 picks one)."
                        + " Clients find the coordinator through grpc.client.fedlink.address.", cause);
    }

    private static boolean mentionsGrpc(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("grpc")) {
                return true;
            }
        }
        return false;
    }
}
