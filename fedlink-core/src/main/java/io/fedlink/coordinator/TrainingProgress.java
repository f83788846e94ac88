package io.fedlink.coordinator;

import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientStream;
import io.fedlink.server.InstructionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the current training is doing, for dashboards and endpoints: the rounds that ended and the one in progress,
 * with its fit replies counted live. Register it both as a {@link RoundListener} of the training and as an
 * {@link InstructionListener} of the coordinator's streams (the auto-configuration does both); as a round listener
 * only, the live counts stay at zero. Thread-safe; reads return snapshots.
 */
public class TrainingProgress implements RoundListener, InstructionListener {

    /**
     * The round in progress.
     *
     * @param round        its number, from 1
     * @param clientsAsked how many clients were sent {@code fit_ins}
     * @param fitReplies   how many of them answered it so far with an OK reply (the round's {@link RoundRecord} has the
     *                     final count of results accepted into the average)
     * @param fitFailures  how many of them failed it so far (error status, timeout, disconnect)
     */
    public record CurrentRound(int round, int clientsAsked, int fitReplies, int fitFailures) {

        /** A round that has just started: nobody has answered yet. */
        public CurrentRound(int round, int clientsAsked) {
            this(round, clientsAsked, 0, 0);
        }

        /** Clients asked that have neither answered nor failed yet. */
        public int stragglers() {
            return clientsAsked - fitReplies - fitFailures;
        }
    }

    private static final String FIT_INS = "fit_ins";

    private final List<RoundRecord> rounds = new ArrayList<>();
    private CurrentRound current;
    /** Ids of the current round's clients whose fit_ins has not ended yet. */
    private final Set<String> awaitingFit = new HashSet<>();

    @Override
    public synchronized void roundStarted(int round, List<ClientProxy> clientsAsked) {
        current = new CurrentRound(round, clientsAsked.size());
        awaitingFit.clear();
        clientsAsked.forEach(client -> awaitingFit.add(client.id()));
    }

    @Override
    public synchronized void roundCompleted(RoundRecord record) {
        rounds.add(record);
        current = null;
        awaitingFit.clear();
    }

    @Override
    public synchronized void roundFailed(RoundRecord record) {
        roundCompleted(record);
    }

    /** Counts the end of a current-round client's {@code fit_ins}, once per client; ignores everything else. */
    @Override
    public synchronized void completed(ClientStream client, String instruction, Outcome outcome, Duration duration,
                                       long bytesSent, long bytesReceived) {
        if (current == null || !FIT_INS.equals(instruction) || !awaitingFit.remove(client.id())) {
            return;
        }
        boolean ok = outcome == Outcome.OK;
        current = new CurrentRound(current.round(), current.clientsAsked(), current.fitReplies() + (ok ? 1 : 0),
                current.fitFailures() + (ok ? 0 : 1));
    }

    /** The rounds that ended, oldest first. */
    public synchronized List<RoundRecord> rounds() {
        return List.copyOf(rounds);
    }

    /** The round in progress, if any. */
    public synchronized Optional<CurrentRound> current() {
        return Optional.ofNullable(current);
    }
}
