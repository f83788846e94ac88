package io.fedlink.coordinator;

import io.fedlink.FedlinkException;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.Strategy;
import io.fedlink.strategy.aggregate.TensorLayout;
import io.fedlink.tensor.NpyFormatException;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.wire.InBandStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the first round's global model comes from, in Flower's order: the model given to the training, else the
 * strategy's {@code initialize_parameters}, else one randomly chosen client's {@code get_parameters}. A client that
 * cannot answer (non-OK status, timeout, hang-up, or tensors that are not {@code .npy}) leaves empty parameters, as
 * Flower does: the first update accepted then sets the model's layout.
 */
final class InitialModel {

    private static final Logger log = LoggerFactory.getLogger(InitialModel.class);
    private static final Parameters EMPTY = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE).build();

    private InitialModel() {
    }

    /**
     * @param given   the model given to the training, or {@code null}
     * @param timeout how long the chosen client has to answer {@code get_parameters}
     * @throws FedlinkException     if no client connected within the quorum timeout to be asked
     * @throws InterruptedException if the thread is interrupted while waiting for a client or its answer
     */
    static Parameters resolve(Parameters given, Strategy strategy, ClientManager clientManager, Duration timeout)
            throws InterruptedException {
        if (given != null) {
            log.info("Initial parameters: {} tensor(s) given to the training", given.getTensorsCount());
            return given;
        }
        Optional<Parameters> fromStrategy = strategy.initializeParameters(clientManager);
        if (fromStrategy.isPresent()) {
            log.info("Initial parameters: {} tensor(s) from the strategy {}", fromStrategy.get().getTensorsCount(), strategy);
            return fromStrategy.get();
        }
        log.info("Requesting initial parameters from one random client");
        ClientProxy client = oneClient(clientManager);
        ServerMessage ins = ServerMessage.newBuilder()
                .setGetParametersIns(ServerMessage.GetParametersIns.getDefaultInstance()).build();
        ClientMessage reply;
        try {
            reply = client.runAsync(ins, timeout).get();
        } catch (ExecutionException e) {
            return empty(client, String.valueOf(e.getCause().getMessage()));
        }
        if (!InBandStatus.isOk(reply)) {
            var status = InBandStatus.of(reply);
            return empty(client, "it answered " + status.getCode()
                    + (status.getMessage().isEmpty() ? "" : ": " + status.getMessage()));
        }
        Parameters parameters = reply.getGetParametersRes().getParameters();
        try {
            TensorLayout.of(parameters);
        } catch (NpyFormatException e) {
            return empty(client, "its parameters are not .npy tensors: " + e.getMessage());
        }
        log.info("Received initial parameters from one random client: {} ({}), {} tensor(s)", client.id(), client.peer(),
                parameters.getTensorsCount());
        return parameters;
    }

    private static ClientProxy oneClient(ClientManager clientManager) throws InterruptedException {
        try {
            List<ClientProxy> one = clientManager.sample(1);
            if (!one.isEmpty()) {
                return one.get(0);
            }
            throw new FedlinkException("no client was connected to ask");
        } catch (FedlinkException e) {
            if (Thread.interrupted()) {
                InterruptedException interrupted = new InterruptedException("Interrupted while waiting for a client to"
                        + " ask for the initial parameters");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw new FedlinkException("No initial parameters: no model was configured and no client could be asked for"
                    + " one (" + e.getMessage() + "); configure an initial model or start a client that answers"
                    + " get_parameters", e);
        }
    }

    private static Parameters empty(ClientProxy client, String why) {
        log.warn("Failed to receive initial parameters from client {} ({}): {}; empty initial parameters will be used, as"
                + " Flower does (the first accepted update sets the model's layout)", client.id(), client.peer(), why);
        return EMPTY;
    }
}
