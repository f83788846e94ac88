package io.fedlink.metrics;

import io.fedlink.coordinator.RoundListener;
import io.fedlink.coordinator.RoundRecord;
import io.fedlink.coordinator.RoundStatus;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientStream;
import io.fedlink.server.DisconnectReason;
import io.fedlink.server.InstructionListener;
import io.fedlink.wire.Instructions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Coordinator meters, named as Micrometer's naming guide asks (dot-separated, no unit in the name, a base unit where
 * there is one), so that Prometheus shows them as:
 * <ul>
 *   <li>{@code fedlink_clients_connected}: clients connected now;</li>
 *   <li>{@code fedlink_clients_registered_total}, {@code fedlink_clients_unregistered_total{reason}};</li>
 *   <li>{@code fedlink_instructions_seconds_count|sum|max{instruction,outcome}}: every instruction, timed;</li>
 *   <li>{@code fedlink_message_size_bytes_count|sum|max{direction,instruction}}: serialized sizes of the instructions
 *       sent and the replies received ({@code direction} {@code sent} or {@code received}; a reply counts under the
 *       instruction it answers; an instruction refused before it went out counts under none);</li>
 *   <li>{@code fedlink_rounds_seconds_count|sum|max{status}}: training rounds, timed, {@code completed} or
 *       {@code failed};</li>
 *   <li>{@code fedlink_round_replies} and {@code fedlink_round_failures}: fit replies and client failures per round.</li>
 * </ul>
 * Every meter is registered once, here, for every instruction, outcome, reason and status, so each series exists
 * (at zero) from the start and no event pays for a registry lookup. Listener methods are quick and never block.
 */
public class FedlinkMetrics implements ClientManagerListener, InstructionListener, RoundListener {

    private final MeterRegistry registry;
    private final Counter registered;
    private final Map<DisconnectReason, Counter> unregistered = new EnumMap<>(DisconnectReason.class);
    private final Map<RoundStatus, Timer> rounds = new EnumMap<>(RoundStatus.class);
    private final DistributionSummary roundReplies;
    private final DistributionSummary roundFailures;
    /** By instruction wire name; known instructions are registered up front, others (none today) on first sight. */
    private final Map<String, InstructionMeters> instructions = new ConcurrentHashMap<>();

    public FedlinkMetrics(MeterRegistry registry, ClientManager clientManager) {
        this.registry = registry;
        Gauge.builder("fedlink.clients.connected", clientManager, ClientManager::numAvailable)
                .description("Clients connected to the coordinator now").register(registry);
        this.registered = Counter.builder("fedlink.clients.registered")
                .description("Client streams the coordinator registered").register(registry);
        for (DisconnectReason reason : DisconnectReason.values()) {
            unregistered.put(reason, Counter.builder("fedlink.clients.unregistered")
                    .description("Client streams that ended, by why").tag("reason", lowerCase(reason))
                    .register(registry));
        }
        for (RoundStatus status : RoundStatus.values()) {
            rounds.put(status, Timer.builder("fedlink.rounds")
                    .description("Training rounds, by whether they updated the model").tag("status", lowerCase(status))
                    .register(registry));
        }
        this.roundReplies = DistributionSummary.builder("fedlink.round.replies")
                .description("Fit replies accepted per round").register(registry);
        this.roundFailures = DistributionSummary.builder("fedlink.round.failures")
                .description("Client failures per round").register(registry);
        for (ServerMessage.MsgCase instruction : ServerMessage.MsgCase.values()) {
            if (instruction != ServerMessage.MsgCase.MSG_NOT_SET) {
                String name = Instructions.name(instruction);
                instructions.put(name, new InstructionMeters(registry, name));
            }
        }
    }

    @Override
    public void registered(ClientProxy client) {
        registered.increment();
    }

    @Override
    public void unregistered(ClientProxy client, DisconnectReason reason) {
        unregistered.get(reason).increment();
    }

    @Override
    public void roundCompleted(RoundRecord record) {
        recordRound(record);
    }

    @Override
    public void roundFailed(RoundRecord record) {
        recordRound(record);
    }

    private void recordRound(RoundRecord record) {
        rounds.get(record.status()).record(record.duration());
        roundReplies.record(record.fitReplies());
        roundFailures.record(record.failures().size());
    }

    @Override
    public void completed(ClientStream client, String instruction, Outcome outcome, Duration duration, long sent,
                          long received) {
        InstructionMeters meters = instructions.computeIfAbsent(instruction, name -> new InstructionMeters(registry, name));
        meters.outcomes.get(outcome).record(duration);
        if (sent > 0) { // 0: refused before any byte went out (client busy or gone, or the instruction too large)
            meters.sent.record(sent);
        }
        if (received > 0) {
            meters.received.record(received);
        }
    }

    private static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The meters of one instruction type. */
    private static final class InstructionMeters {

        private final Map<Outcome, Timer> outcomes = new EnumMap<>(Outcome.class);
        private final DistributionSummary sent;
        private final DistributionSummary received;

        InstructionMeters(MeterRegistry registry, String instruction) {
            for (Outcome outcome : Outcome.values()) {
                outcomes.put(outcome, Timer.builder("fedlink.instructions")
                        .description("Instructions sent to clients, by type and outcome")
                        .tag("instruction", instruction).tag("outcome", lowerCase(outcome)).register(registry));
            }
            this.sent = messageSize(registry, instruction, "sent");
            this.received = messageSize(registry, instruction, "received");
        }

        private static DistributionSummary messageSize(MeterRegistry registry, String instruction, String direction) {
            return DistributionSummary.builder("fedlink.message.size").baseUnit("bytes")
                    .description("Serialized size of instructions sent and of the replies received to them")
                    .tag("instruction", instruction).tag("direction", direction).register(registry);
        }
    }
}
