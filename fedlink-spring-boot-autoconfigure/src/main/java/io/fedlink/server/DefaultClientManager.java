package io.fedlink.server;

import io.fedlink.FedlinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ClientManager}: an insertion-ordered map guarded by one lock whose condition wakes
 * quorum waiters on every registration. Listeners run after the lock is released.
 */
public class DefaultClientManager implements ClientManager {

    private static final Logger log = LoggerFactory.getLogger(DefaultClientManager.class);

    private final Duration quorumTimeout;
    private final int maxClients;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, ClientProxy> clients = new LinkedHashMap<>();
    private final List<ClientManagerListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param quorumTimeout bound of the waits that take no {@code Duration}
     * @param maxClients    registrations beyond this many are refused
     */
    public DefaultClientManager(Duration quorumTimeout, int maxClients) {
        this.quorumTimeout = Objects.requireNonNull(quorumTimeout, "quorumTimeout");
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        }
        this.maxClients = maxClients;
    }

    /** The most clients this registry accepts. */
    public int maxClients() {
        return maxClients;
    }

    @Override
    public boolean register(ClientProxy client) {
        lock.lock();
        try {
            if (clients.size() >= maxClients || clients.containsKey(client.id())) {
                return false;
            }
            clients.put(client.id(), client);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("Registered {}", client);
        listeners.forEach(listener -> listener.registered(client));
        return true;
    }

    @Override
    public void unregister(ClientProxy client, DisconnectReason reason) {
        lock.lock();
        try {
            if (!clients.remove(client.id(), client)) {
                return;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.debug("Unregistered {}: {}", client, reason);
        listeners.forEach(listener -> listener.unregistered(client, reason));
    }

    @Override
    public int numAvailable() {
        lock.lock();
        try {
            return clients.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ClientProxy> all() {
        lock.lock();
        try {
            return List.copyOf(clients.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ClientProxy> get(String clientId) {
        lock.lock();
        try {
            return Optional.ofNullable(clients.get(clientId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean waitFor(int minNumClients, Duration timeout) throws InterruptedException {
        requirePositive(minNumClients);
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (clients.size() < minNumClients) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ClientProxy> getClients(int minNumClients) {
        return getClients(minNumClients, quorumTimeout);
    }

    @Override
    public List<ClientProxy> getClients(int minNumClients, Duration timeout) {
        awaitQuorum(minNumClients, timeout);
        return all();
    }

    @Override
    public List<ClientProxy> sample(int numClients, Predicate<? super ClientProxy> criterion) {
        awaitQuorum(numClients, quorumTimeout);
        List<ClientProxy> eligible = new ArrayList<>();
        for (ClientProxy client : all()) {
            if (criterion.test(client)) {
                eligible.add(client);
            }
        }
        Collections.shuffle(eligible, ThreadLocalRandom.current());
        return List.copyOf(eligible.subList(0, Math.min(numClients, eligible.size())));
    }

    @Override
    public void addListener(ClientManagerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void awaitQuorum(int minNumClients, Duration timeout) {
        boolean reached;
        try {
            reached = waitFor(minNumClients, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FedlinkException("Interrupted while waiting for " + minNumClients + " clients ("
                    + numAvailable() + " connected)", e);
        }
        if (!reached) {
            throw new QuorumTimeoutException(minNumClients, numAvailable(), timeout);
        }
    }

    private static void requirePositive(int minNumClients) {
        if (minNumClients < 1) {
            throw new IllegalArgumentException("minNumClients must be at least 1, was " + minNumClients);
        }
    }
}
