package io.fedlink.autoconfigure;

import io.fedlink.server.CoordinatorSettings;
import io.fedlink.server.TimeoutPolicy;
import io.fedlink.wire.ModelTransfer;
import java.time.Duration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Coordinator settings under {@code fedlink.server}. The port and TLS come from the gRPC starter's own
 * {@code grpc.server.*} keys.
 */
@ConfigurationProperties("fedlink.server")
public class FedlinkServerProperties implements InitializingBean {

    /**
     * Whether this application runs the coordinator's Join service. When unset, it does unless the application
     * configures a client channel (grpc.client.fedlink.address), so a client-only app opens no server port.
     */
    private Boolean enabled;

    /** Quorum: how many clients a round waits for, and for how long. */
    private final Quorum quorum = new Quorum();

    /** How long an instruction waits for its reply before it fails with a timeout. */
    private Duration replyTimeout = Duration.ofMinutes(10);

    /** What happens to a client that missed its reply deadline: DROP closes its stream (as Flower does), KEEP keeps it. */
    private TimeoutPolicy timeoutPolicy = TimeoutPolicy.DROP;

    /** Largest message accepted from a client; Flower's default is 512MB, far above gRPC's own 4MB. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(512);

    /** Most clients connected at once; further streams are refused with RESOURCE_EXHAUSTED. */
    private int maxClients = 100_000;

    /** HTTP/2 keepalive: how idle clients are probed and which client pings are permitted. */
    private final Keepalive keepalive = new Keepalive();

    /** Opt-in client authentication (stock Flower clients send no credentials, so it is off by default). */
    private final Auth auth = new Auth();

    /** Defaults of the training loops built through FederatedTrainingConfigurer, and training on start-up. */
    private final Training training = new Training();

    /** How much the coordinator holds in flight for its clients, in both directions. */
    private final FlowControl flowControl = new FlowControl();

    /**
     * How models cross gRPC's buffers: ZERO_COPY encodes an instruction once for all its clients, reads a large
     * reply in place until it is handled and gives the connections an allocator that reuses emptied buffer chunks;
     * COPYING is grpc-java's per-client encoding, copying parse and pooled allocator.
     */
    private ModelTransfer modelTransfer = ModelTransfer.ZERO_COPY;

    public ModelTransfer getModelTransfer() {
        return modelTransfer;
    }

    public void setModelTransfer(ModelTransfer modelTransfer) {
        this.modelTransfer = modelTransfer;
    }

    public FlowControl getFlowControl() {
        return flowControl;
    }

    public Training getTraining() {
        return training;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Quorum getQuorum() {
        return quorum;
    }

    public Duration getReplyTimeout() {
        return replyTimeout;
    }

    public void setReplyTimeout(Duration replyTimeout) {
        this.replyTimeout = replyTimeout;
    }

    public TimeoutPolicy getTimeoutPolicy() {
        return timeoutPolicy;
    }

    public void setTimeoutPolicy(TimeoutPolicy timeoutPolicy) {
        this.timeoutPolicy = timeoutPolicy;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public int getMaxClients() {
        return maxClients;
    }

    public void setMaxClients(int maxClients) {
        this.maxClients = maxClients;
    }

    public Keepalive getKeepalive() {
        return keepalive;
    }

    public Auth getAuth() {
        return auth;
    }

    /** The bound values as the runtime's settings, the ones a coordinator without Spring takes. */
    CoordinatorSettings coordinatorSettings() {
        return CoordinatorSettings.builder()
                .quorumTimeout(quorum.timeout)
                .maxClients(maxClients)
                .replyTimeout(replyTimeout)
                .timeoutPolicy(timeoutPolicy)
                .maxMessageSize((int) maxMessageSize.toBytes())
                .keepalive(new io.fedlink.server.Keepalive(keepalive.time, keepalive.timeout, keepalive.permitTime,
                        keepalive.permitWithoutCalls))
                .flowControl(flowControl.toSettings())
                .modelTransfer(modelTransfer)
                .build();
    }

    /** Checks the bound values once, so a wrong one fails start-up naming its key. */
    @Override
    public void afterPropertiesSet() {
        Validation.atLeast("fedlink.server.quorum.min-clients", quorum.minClients, 1);
        Validation.positive("fedlink.server.quorum.timeout", quorum.timeout);
        Validation.positive("fedlink.server.reply-timeout", replyTimeout);
        Validation.messageSize("fedlink.server.max-message-size", maxMessageSize);
        Validation.atLeast("fedlink.server.max-clients", maxClients, 1);
        Validation.positive("fedlink.server.keepalive.time", keepalive.time);
        if (keepalive.time.compareTo(Keepalive.MIN_TIME) < 0) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.keepalive.time", keepalive.time,
                    "must be at least 10s: grpc-java silently raises shorter server keepalive times to 10s, so a dead"
                            + " client would be found later than configured (detection takes time + timeout)");
        }
        Validation.positive("fedlink.server.keepalive.timeout", keepalive.timeout);
        if (keepalive.permitTime == null || keepalive.permitTime.isNegative()) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.keepalive.permit-time",
                    keepalive.permitTime, "must be zero or positive");
        }
        if (flowControl.sendBudget != null && flowControl.sendBudget.toBytes() < 1) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.flow-control.send-budget",
                    flowControl.sendBudget, "must be at least 1B");
        }
        Validation.atLeast("fedlink.server.flow-control.large-replies-at-once", flowControl.largeRepliesAtOnce, 1);
        Validation.atLeast("fedlink.server.training.rounds", training.rounds, 1);
        Validation.atLeast("fedlink.server.training.min-fit-results", training.minFitResults, 1);
        Validation.atLeast("fedlink.server.training.max-in-flight", training.maxInFlight, 1);
        Validation.atLeast("fedlink.server.training.checkpoints-kept", training.checkpointsKept, 1);
        if (training.exitWhenDone && !training.autoStart) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.training.exit-when-done", true,
                    "takes effect only with fedlink.server.training.auto-start=true (the application's own training"
                            + " decides when it is done)");
        }
        if (!(training.minFitFraction >= 0 && training.minFitFraction <= 1)) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.training.min-fit-fraction",
                    training.minFitFraction, "must be between 0 and 1");
        }
        auth.tokens.forEach((identity, token) -> {
            if (token == null || token.isBlank()) {
                throw new InvalidConfigurationPropertyValueException("fedlink.server.auth.tokens." + identity, token,
                        "a client token must not be blank");
            }
        });
    }

    public static class FlowControl {

        /**
         * Bytes of instructions queued for sending at once, across all clients (they sit in direct memory until the
         * network takes them); the others wait their turn. Default: half the JVM's direct memory limit.
         */
        private DataSize sendBudget;

        /**
         * Model-sized replies (to fit_ins of 1MB or more, and to get_parameters_ins) received at once, across all
         * clients; each holds about one model on the heap until it is aggregated. The other clients keep training,
         * and wait to upload once done. Raise it when each client's own link, not the coordinator's, is the bottleneck.
         */
        private int largeRepliesAtOnce = 1;

        public DataSize getSendBudget() {
            return sendBudget;
        }

        public void setSendBudget(DataSize sendBudget) {
            this.sendBudget = sendBudget;
        }

        public int getLargeRepliesAtOnce() {
            return largeRepliesAtOnce;
        }

        public void setLargeRepliesAtOnce(int largeRepliesAtOnce) {
            this.largeRepliesAtOnce = largeRepliesAtOnce;
        }

        /** As the runtime takes it. */
        public io.fedlink.server.FlowControl toSettings() {
            return new io.fedlink.server.FlowControl(sendBudget != null ? sendBudget.toBytes()
                    : io.fedlink.server.FlowControl.defaultSendBudget(), largeRepliesAtOnce);
        }
    }

    public static class Training {

        /** How many rounds a training runs. */
        private int rounds = 3;

        /** Fewest successful fit replies for a round to update the model; a round with fewer is recorded as failed. */
        private int minFitResults = 1;

        /** Fewest successful fit replies as a share of the clients asked (0 to 1); the stricter rule wins. */
        private double minFitFraction = 0;

        /** Most instructions in flight at once during a fan-out. */
        private int maxInFlight = 64;

        /** Whether a failed round stops the training (STOP) or the next round follows (CONTINUE). */
        private io.fedlink.coordinator.RoundFailurePolicy onRoundFailure = io.fedlink.coordinator.RoundFailurePolicy.CONTINUE;

        /** Where checkpoints (global model and history after every round) go; unset keeps none. */
        private java.nio.file.Path checkpointDirectory;

        /** How many checkpoints to keep. */
        private int checkpointsKept = 3;

        /**
         * Whether the application trains as soon as it has started, with the strategy bean, so that a coordinator can
         * be nothing but the starter and an application.yml.
         */
        private boolean autoStart = false;

        /** With auto-start: whether the JVM exits when training ends, with 0 if every round completed, 1 otherwise. */
        private boolean exitWhenDone = false;

        /**
         * The first round's model: a .npz or .npy file path, or a resource such as classpath:model.npz. Unset: one
         * random client's get_parameters, as Flower does. An InitialParameters bean comes first.
         */
        private String initialModel;

        /** Whether every client is sent reconnect_ins with seconds 0 when training ends, as Flower does. */
        private boolean disconnectClientsWhenDone = true;

        public boolean isAutoStart() {
            return autoStart;
        }

        public void setAutoStart(boolean autoStart) {
            this.autoStart = autoStart;
        }

        public boolean isExitWhenDone() {
            return exitWhenDone;
        }

        public void setExitWhenDone(boolean exitWhenDone) {
            this.exitWhenDone = exitWhenDone;
        }

        public String getInitialModel() {
            return initialModel;
        }

        public void setInitialModel(String initialModel) {
            this.initialModel = initialModel;
        }

        public boolean isDisconnectClientsWhenDone() {
            return disconnectClientsWhenDone;
        }

        public void setDisconnectClientsWhenDone(boolean disconnectClientsWhenDone) {
            this.disconnectClientsWhenDone = disconnectClientsWhenDone;
        }

        public int getRounds() {
            return rounds;
        }

        public void setRounds(int rounds) {
            this.rounds = rounds;
        }

        public int getMinFitResults() {
            return minFitResults;
        }

        public void setMinFitResults(int minFitResults) {
            this.minFitResults = minFitResults;
        }

        public double getMinFitFraction() {
            return minFitFraction;
        }

        public void setMinFitFraction(double minFitFraction) {
            this.minFitFraction = minFitFraction;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public io.fedlink.coordinator.RoundFailurePolicy getOnRoundFailure() {
            return onRoundFailure;
        }

        public void setOnRoundFailure(io.fedlink.coordinator.RoundFailurePolicy onRoundFailure) {
            this.onRoundFailure = onRoundFailure;
        }

        public java.nio.file.Path getCheckpointDirectory() {
            return checkpointDirectory;
        }

        public void setCheckpointDirectory(java.nio.file.Path checkpointDirectory) {
            this.checkpointDirectory = checkpointDirectory;
        }

        public int getCheckpointsKept() {
            return checkpointsKept;
        }

        public void setCheckpointsKept(int checkpointsKept) {
            this.checkpointsKept = checkpointsKept;
        }
    }

    public static class Auth {

        /**
         * Client identity to shared-secret token. When any is set, every client must send
         * 'authorization: Bearer <token>' (fedlink.client.auth.token) or is refused with UNAUTHENTICATED.
         */
        private java.util.Map<String, String> tokens = new java.util.LinkedHashMap<>();

        public java.util.Map<String, String> getTokens() {
            return tokens;
        }

        public void setTokens(java.util.Map<String, String> tokens) {
            this.tokens = tokens;
        }
    }

    public static class Quorum {

        /** How many connected clients a round needs before it starts. */
        private int minClients = 2;

        /** How long a quorum wait may block before it fails. */
        private Duration timeout = Duration.ofMinutes(10);

        public int getMinClients() {
            return minClients;
        }

        public void setMinClients(int minClients) {
            this.minClients = minClients;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    public static class Keepalive {

        /** grpc-java's floor for a server's keepalive time: it raises anything shorter to this, without a word. */
        static final Duration MIN_TIME = io.fedlink.server.Keepalive.MIN_TIME;

        /** How long a connection may be idle before the coordinator pings the client; at least 10s (gRPC's floor). */
        private Duration time = Duration.ofSeconds(60);

        /** How long the coordinator waits for a ping's answer before it closes the connection as dead. */
        private Duration timeout = Duration.ofSeconds(20);

        /** Shortest interval between client pings the coordinator tolerates (more often: GOAWAY too_many_pings). */
        private Duration permitTime = Duration.ofSeconds(10);

        /** Whether clients may ping while they have no call in progress. */
        private boolean permitWithoutCalls = true;

        public Duration getTime() {
            return time;
        }

        public void setTime(Duration time) {
            this.time = time;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getPermitTime() {
            return permitTime;
        }

        public void setPermitTime(Duration permitTime) {
            this.permitTime = permitTime;
        }

        public boolean isPermitWithoutCalls() {
            return permitWithoutCalls;
        }

        public void setPermitWithoutCalls(boolean permitWithoutCalls) {
            this.permitWithoutCalls = permitWithoutCalls;
        }
    }
}
