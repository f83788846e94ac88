package io.fedlink.client;

import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.Code;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.proto.Status;

/**
 * What a federated-learning client does when the coordinator instructs it: the Java counterpart of Flower's
 * {@code Client}. Override only the methods the client supports; every other one answers with the in-band
 * {@code *_NOT_IMPLEMENTED} {@link Code} of the protocol, which the coordinator counts as a failure of this
 * client for that instruction.
 *
 * <pre>{@code
 * class Trainer implements FederatedClient {
 *     public FitRes fit(FitIns ins) {
 *         Parameters updated = train(ins.getParameters(), ins.getConfigMap());
 *         return FitRes.newBuilder().setParameters(updated).setNumExamples(examples).build();
 *     }
 * }
 * }</pre>
 *
 * <p>A {@link ClientRunner} calls these methods on its own thread, one at a time, so an implementation needs no
 * locking for its own state. A reply whose {@code status} is left unset carries {@link Code#OK}. A method may
 * block (local training takes as long as it takes) and should give up when its thread is interrupted, which is
 * how {@link ClientRunner#stop()} asks it to. A method that throws does not end the stream: the coordinator
 * receives the matching reply with a non-OK status (see {@link InstructionDispatcher}).
 */
public interface FederatedClient {

    /** Answers {@code get_properties_ins}: properties of this client (for example its data set size or hardware). */
    default GetPropertiesRes getProperties(GetPropertiesIns ins) {
        return GetPropertiesRes.newBuilder()
                .setStatus(notImplemented(Code.GET_PROPERTIES_NOT_IMPLEMENTED, "getProperties(GetPropertiesIns)",
                        "get_properties_ins"))
                .build();
    }

    /** Answers {@code get_parameters_ins}: the client's current model parameters. */
    default GetParametersRes getParameters(GetParametersIns ins) {
        return GetParametersRes.newBuilder()
                .setStatus(notImplemented(Code.GET_PARAMETERS_NOT_IMPLEMENTED, "getParameters(GetParametersIns)",
                        "get_parameters_ins"))
                .build();
    }

    /** Answers {@code fit_ins}: trains on local data starting from the given parameters and returns the update. */
    default FitRes fit(FitIns ins) {
        return FitRes.newBuilder()
                .setStatus(notImplemented(Code.FIT_NOT_IMPLEMENTED, "fit(FitIns)", "fit_ins"))
                .build();
    }

    /** Answers {@code evaluate_ins}: evaluates the given parameters on local data. */
    default EvaluateRes evaluate(EvaluateIns ins) {
        return EvaluateRes.newBuilder()
                .setStatus(notImplemented(Code.EVALUATE_NOT_IMPLEMENTED, "evaluate(EvaluateIns)", "evaluate_ins"))
                .build();
    }

    private static Status notImplemented(Code code, String method, String instruction) {
        return Status.newBuilder()
                .setCode(code)
                .setMessage("Client does not implement " + instruction + ": override FederatedClient." + method)
                .build();
    }
}
