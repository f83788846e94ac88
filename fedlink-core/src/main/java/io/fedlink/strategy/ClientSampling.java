package io.fedlink.strategy;

import io.fedlink.FedlinkException;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Flower's client sampling: wait until {@code min_available_clients} are connected (bounded by the client manager's
 * quorum timeout), then pick {@code max(int(available * fraction), minimum)} of them at random. Two differences from
 * Flower: the sample size is computed after the wait, so a round that waited for its quorum samples from everyone
 * who came; and evaluation does not wait ({@link #sampleConnected}): it samples among the clients connected when the
 * round's fit ends, so a client that died during the fit does not hold the round up until a replacement joins.
 */
final class ClientSampling {

    private ClientSampling() {
    }

    /**
     * The round's clients.
     *
     * @param what           {@code fit} or {@code evaluate}, for messages
     * @param fraction       the share of the available clients to sample
     * @param minimum        the fewest clients to sample
     * @param minAvailable   how many must be connected before sampling
     * @throws FedlinkException          (a {@link io.fedlink.server.QuorumTimeoutException}) if the quorum was not
     *                                   reached in time, or if fewer clients are connected than the sample needs
     * @throws InterruptedException      if the thread is interrupted while waiting
     */
    static List<ClientProxy> sample(ClientManager clientManager, String what, double fraction, int minimum,
                                    int minAvailable) throws InterruptedException {
        List<ClientProxy> available;
        try {
            available = new ArrayList<>(clientManager.getClients(minAvailable));
        } catch (FedlinkException e) {
            if (Thread.interrupted()) {
                InterruptedException interrupted = new InterruptedException("Interrupted while waiting for "
                        + minAvailable + " clients");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        }
        return pick(available, what, fraction, minimum);
    }

    /**
     * The clients to sample among those connected now, without waiting.
     *
     * @throws FedlinkException if fewer clients are connected than the sample needs
     */
    static List<ClientProxy> sampleConnected(ClientManager clientManager, String what, double fraction, int minimum) {
        return pick(new ArrayList<>(clientManager.all()), what, fraction, minimum);
    }

    private static List<ClientProxy> pick(List<ClientProxy> available, String what, double fraction, int minimum) {
        int sampleSize = Math.max((int) (available.size() * fraction), minimum);
        if (sampleSize > available.size()) {
            throw new FedlinkException("Sampling failed: " + available.size() + " clients connected, fewer than the "
                    + sampleSize + " the " + what + " needs (max(int(" + available.size() + " x fraction-" + what + " "
                    + fraction + "), min-" + what + "-clients " + minimum + ")); connect more clients or lower min-"
                    + what + "-clients");
        }
        if (sampleSize == available.size()) {
            return List.copyOf(available);
        }
        Collections.shuffle(available, ThreadLocalRandom.current());
        return List.copyOf(available.subList(0, sampleSize));
    }
}
