package io.fedlink.relay;

import io.fedlink.FedlinkException;
import io.fedlink.client.FederatedClient;
import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutResult;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.coordinator.FederatedTraining;
import io.fedlink.coordinator.ReplyHandler;
import io.fedlink.coordinator.ReplyLimits;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.ClientMessage.GetPropertiesRes;
import io.fedlink.proto.Code;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.proto.ServerMessage.GetPropertiesIns;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.server.QuorumTimeoutException;
import io.fedlink.strategy.WeightedEvaluation;
import io.fedlink.strategy.aggregate.WeightedMean;
import io.fedlink.wire.Scalars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a relay: answers the upstream coordinator's instructions on behalf of the relay's own clients.
 * <ul>
 *   <li>{@code fit_ins}: sent unchanged (model and config) to every connected client; each {@code fit_res} is folded
 *       into a {@link WeightedMean} as it arrives, so the relay holds about one model whatever its number of clients;
 *       the answer is the mean, {@code num_examples} = the sum of the clients', and their metrics averaged by
 *       {@code num_examples}. A weighted mean of weighted means, each weighted by its total, is the weighted mean of
 *       all, so FedAvg at the root gives the same model through relays as without them (to float32 rounding);</li>
 *   <li>{@code evaluate_ins}: the same, with the loss and metrics averaged by {@code num_examples};</li>
 *   <li>{@code get_parameters_ins}: answered by one connected client, chosen at random (up to
 *       {@value #GET_PARAMETERS_ATTEMPTS} are tried);</li>
 *   <li>{@code get_properties_ins}: {@value RelayMetrics#CLIENTS}, the number of clients connected now.</li>
 * </ul>
 * Every answer carries the counts of {@link RelayMetrics} ({@code fedlink.relay.replies}, {@code fedlink.relay.failures}).
 * The relay answers with a non-OK status (its upstream counts that as the relay's failure) when no client is connected
 * within the quorum timeout, when no client gave a usable reply, or when a client failed and
 * {@link RelaySettings#acceptFailures()} is false. Called by a {@link io.fedlink.client.ClientRunner} on its thread,
 * one instruction at a time.
 */
public final class RelayClient implements FederatedClient {

    private static final Logger log = LoggerFactory.getLogger(RelayClient.class);
    static final int GET_PARAMETERS_ATTEMPTS = 3;
    /** How long each client has to acknowledge the end of training. */
    private static final Duration END_OF_TRAINING_TIMEOUT = Duration.ofSeconds(10);

    private final ClientManager clientManager;
    private final RelaySettings settings;
    private final FanOut fitFanOut;
    private final FanOut evaluateFanOut;

    /**
     * @param clientManager the relay's own clients (the registry of its coordinator side)
     * @param settings      minimum clients, timeouts, in-flight bound, failure rule
     */
    public RelayClient(ClientManager clientManager, RelaySettings settings) {
        this.clientManager = Objects.requireNonNull(clientManager, "clientManager");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fitFanOut = new FanOut(settings.maxInFlight(), settings.fitTimeout());
        this.evaluateFanOut = new FanOut(settings.maxInFlight(), settings.evaluateTimeout());
    }

    @Override
    public FitRes fit(FitIns ins) {
        List<ClientProxy> clients = connectedClients("fit_ins");
        WeightedMean mean = new WeightedMean(ins.getParameters());
        RelayMetrics metrics = new RelayMetrics(FederatedTraining.MAX_METRICS_PER_REPLY);
        FanOutSummary summary = fanOut(fitFanOut, clients, ServerMessage.newBuilder().setFitIns(ins).build(),
                (client, reply) -> {
                    FitRes result = reply.getFitRes();
                    requireMetrics(client, "fit_res", result.getMetricsMap(), metrics);
                    mean.add(client.id(), result.getParameters(), result.getNumExamples());
                    metrics.add(result.getMetricsMap(), result.getNumExamples());
                });
        metrics.addFailures(summary.failures());
        requireAnswers("fit_res", summary, mean.updates());
        log.info("Relay fit: {} of {} clients folded in ({} examples), {} failed, {}", mean.updates(), clients.size(),
                mean.totalWeight(), summary.failures().size(), seconds(summary.elapsed()));
        return FitRes.newBuilder().setParameters(mean.result()).setNumExamples(mean.totalWeight())
                .putAllMetrics(metrics.toScalars()).build();
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
        List<ClientProxy> clients = connectedClients("evaluate_ins");
        WeightedEvaluation loss = new WeightedEvaluation();
        RelayMetrics metrics = new RelayMetrics(FederatedTraining.MAX_METRICS_PER_REPLY);
        long[] examples = new long[1];
        FanOutSummary summary = fanOut(evaluateFanOut, clients, ServerMessage.newBuilder().setEvaluateIns(ins).build(),
                (client, reply) -> {
                    EvaluateRes result = reply.getEvaluateRes();
                    requireMetrics(client, "evaluate_res", result.getMetricsMap(), metrics);
                    long total = addExamples(client, examples[0], result.getNumExamples());
                    loss.add(client, result);
                    metrics.add(result.getMetricsMap(), result.getNumExamples());
                    examples[0] = total;
                });
        metrics.addFailures(summary.failures());
        requireAnswers("evaluate_res", summary, summary.answered().size());
        double averaged = loss.result(summary.failures()).loss();
        log.info("Relay evaluate: {} of {} clients folded in ({} examples, loss {}), {} failed, {}",
                summary.answered().size(), clients.size(), examples[0], averaged, summary.failures().size(),
                seconds(summary.elapsed()));
        return EvaluateRes.newBuilder().setLoss((float) averaged).setNumExamples(examples[0])
                .putAllMetrics(metrics.toScalars()).build();
    }

    @Override
    public GetParametersRes getParameters(GetParametersIns ins) {
        List<ClientProxy> clients = new ArrayList<>(connectedClients("get_parameters_ins"));
        Collections.shuffle(clients, ThreadLocalRandom.current());
        ServerMessage message = ServerMessage.newBuilder().setGetParametersIns(ins).build();
        List<String> failures = new ArrayList<>();
        for (ClientProxy client : clients.subList(0, Math.min(GET_PARAMETERS_ATTEMPTS, clients.size()))) {
            try {
                GetParametersRes result = client.run(message, settings.fitTimeout()).getGetParametersRes();
                if (result.getStatus().getCode() == Code.OK) {
                    return result;
                }
                failures.add("client " + client.id() + " answered " + result.getStatus().getCode() + " "
                        + result.getStatus().getMessage());
            } catch (FedlinkException e) {
                failures.add(e.getMessage());
            }
        }
        throw new RelayException("Relay could not answer get_parameters_ins: none of the " + failures.size()
                + " clients asked gave its parameters: " + String.join("; ", failures));
    }

    @Override
    public GetPropertiesRes getProperties(GetPropertiesIns ins) {
        return GetPropertiesRes.newBuilder()
                .putProperties(RelayMetrics.CLIENTS, Scalars.of(RelayMetrics.CLIENTS, (long) clientManager.numAvailable()))
                .build();
    }

    /**
     * Passes the end of training on: {@code reconnect_ins{seconds: 0}} to every connected client, each given
     * 10 seconds to acknowledge. Blocks until all did, failed or timed out.
     *
     * @return how many clients acknowledged
     */
    public int endTraining() throws InterruptedException {
        List<ClientProxy> clients = clientManager.all();
        ServerMessage reconnect = ServerMessage.newBuilder()
                .setReconnectIns(ServerMessage.ReconnectIns.newBuilder().setSeconds(0)).build();
        FanOutResult result = new FanOut(settings.maxInFlight(), END_OF_TRAINING_TIMEOUT).call(clients, reconnect);
        log.info("Relay passed the end of training (reconnect_ins{seconds: 0}) on to {} client(s), {} acknowledged",
                clients.size(), result.replies().size());
        return result.replies().size();
    }

    private List<ClientProxy> connectedClients(String instruction) {
        try {
            return clientManager.getClients(settings.minClients());
        } catch (QuorumTimeoutException e) {
            throw new RelayException("Relay could not answer " + instruction + ": " + e.getMessage()
                    + " (fedlink.relay.min-clients is " + settings.minClients() + ")", e);
        }
    }

    private static FanOutSummary fanOut(FanOut fanOut, List<ClientProxy> clients, ServerMessage message,
                                        ReplyHandler handler) {
        try {
            return fanOut.stream(clients, message, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException("Relay was stopped while its clients were answering "
                    + message.getMsgCase().name().toLowerCase(Locale.ROOT), e);
        }
    }

    /** A reply whose metrics would take the relay's answer past what its upstream accepts is that client's failure. */
    private static void requireMetrics(ClientProxy client, String reply, Map<String, Scalar> metrics,
                                       RelayMetrics folded) {
        ReplyLimits.requireBoundedMetrics(client.id(), reply, metrics);
        if (!folded.fits(metrics)) {
            throw new ClientUpdateRejectedException(client.id(), "Update from client " + client.id() + " rejected: its "
                    + reply + " metrics would give the relay's answer more than the "
                    + FederatedTraining.MAX_METRICS_PER_REPLY + " metric names a reply may carry");
        }
    }

    private static long addExamples(ClientProxy client, long total, long examples) {
        try {
            return Math.addExact(total, Math.max(0, examples));
        } catch (ArithmeticException e) {
            throw new ClientUpdateRejectedException(client.id(), "Evaluation from client " + client.id() + " rejected: its"
                    + " num_examples " + examples + " added to the " + total + " of the other clients overflows a 64-bit count");
        }
    }

    private void requireAnswers(String reply, FanOutSummary summary, int accepted) {
        List<ClientFailure> failures = summary.failures();
        failures.forEach(failure -> log.warn("Relay: client {} failed: {}", failure.clientId(), failure.reason()));
        if (accepted == 0) {
            throw new RelayException("Relay could not answer: none of its " + summary.asked() + " clients returned a"
                    + " usable " + reply + summarize(failures));
        }
        if (!settings.acceptFailures() && !failures.isEmpty()) {
            throw new RelayException("Relay refuses to answer: " + failures.size() + " of its " + summary.asked()
                    + " clients failed and fedlink.relay.accept-failures is false" + summarize(failures));
        }
    }

    private static String summarize(List<ClientFailure> failures) {
        if (failures.isEmpty()) {
            return "";
        }
        return "; failures: " + failures.stream().limit(3).map(ClientFailure::reason).collect(Collectors.joining("; "))
                + (failures.size() > 3 ? "; and " + (failures.size() - 3) + " more" : "");
    }

    private static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.2f s", elapsed.toNanos() / 1e9);
    }
}
