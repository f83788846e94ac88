package io.fedlink.server;

import io.fedlink.FedlinkException;
import io.fedlink.Setting;
import io.fedlink.SettingNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * quorum waiters on every registration. Listeners run after the lock is released, each on its own: one that throws
 * is logged and changes nothing for the registry or the listeners after it. A quorum wait of
 * {@link #getClients} or {@link #sample} that lasts logs what it waits for every 10 seconds:
 * {@code waiting for quorum: 1/3 clients connected (timeout in 1m40s, set by quorumTimeout)}.
 */
public class DefaultClientManager implements ClientManager {

    private static final Logger log = LoggerFactory.getLogger(DefaultClientManager.class);
    private static final Duration QUORUM_LOG_INTERVAL = Duration.ofSeconds(10);

    private final Duration quorumTimeout;
    private final int maxClients;
    private final Duration quorumLogInterval;
    private final SettingNames settingNames;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, ClientProxy> clients = new LinkedHashMap<>();
    private final List<ClientManagerListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param quorumTimeout bound of the waits that take no {@code Duration}
     * @param maxClients    registrations beyond this many are refused
     */
    public DefaultClientManager(Duration quorumTimeout, int maxClients) {
        this(quorumTimeout, maxClients, SettingNames.neutral());
    }

    /**
     * @param settingNames how quorum logs and {@link QuorumTimeoutException} name the settings to change
     */
    public DefaultClientManager(Duration quorumTimeout, int maxClients, SettingNames settingNames) {
        this(quorumTimeout, maxClients, QUORUM_LOG_INTERVAL, settingNames);
    }

    /** As the public constructor, logging a lasting quorum wait every {@code quorumLogInterval} (for tests). */
    DefaultClientManager(Duration quorumTimeout, int maxClients, Duration quorumLogInterval) {
        this(quorumTimeout, maxClients, quorumLogInterval, SettingNames.neutral());
    }

    private DefaultClientManager(Duration quorumTimeout, int maxClients, Duration quorumLogInterval,
                                 SettingNames settingNames) {
        this.settingNames = Objects.requireNonNull(settingNames, "settingNames");
        this.quorumTimeout = Objects.requireNonNull(quorumTimeout, "quorumTimeout");
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        }
        this.maxClients = maxClients;
        if (quorumLogInterval.isNegative() || quorumLogInterval.isZero()) {
            throw new IllegalArgumentException("quorumLogInterval must be positive, was " + quorumLogInterval);
        }
        this.quorumLogInterval = quorumLogInterval;
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
        for (ClientManagerListener listener : listeners) {
            try {
                listener.registered(client);
            } catch (RuntimeException e) {
                log.warn("Client manager listener {} failed on the registration of client {}; the client stays"
                        + " registered and the other listeners are told", listener, client.id(), e);
            }
        }
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
        for (ClientManagerListener listener : listeners) {
            try {
                listener.unregistered(client, reason);
            } catch (RuntimeException e) {
                log.warn("Client manager listener {} failed on the unregistration of client {} ({}); the other"
                        + " listeners are told", listener, client.id(), reason, e);
            }
        }
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

    /** Waits in slices of the log interval, saying after each one what it is still waiting for. */
    private void awaitQuorum(int minNumClients, Duration timeout) {
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        try {
            while (true) {
                long remaining = deadline - System.nanoTime();
                Duration slice = Duration.ofNanos(Math.max(0, Math.min(remaining, saturatedNanos(quorumLogInterval))));
                if (waitFor(minNumClients, slice)) {
                    return;
                }
                remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new QuorumTimeoutException(minNumClients, numAvailable(), timeout, settingNames);
                }
                log.info(quorumProgress(numAvailable(), minNumClients, Duration.ofNanos(remaining), settingNames));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FedlinkException("Interrupted while waiting for " + minNumClients + " clients ("
                    + numAvailable() + " connected)", e);
        }
    }

    /** {@code waiting for quorum: 1/3 clients connected (timeout in 1m40s, set by quorumTimeout)}. */
    static String quorumProgress(int connected, int required, Duration remaining, SettingNames names) {
        long seconds = Math.round(remaining.toMillis() / 1000.0);
        String left = Duration.ofSeconds(seconds).toString().substring(2).toLowerCase(Locale.ROOT);
        return "waiting for quorum: " + connected + "/" + required + " clients connected (timeout in " + left
                + ", set by " + names.of(Setting.QUORUM_TIMEOUT) + ")";
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private static void requirePositive(int minNumClients) {
        if (minNumClients < 1) {
            throw new IllegalArgumentException("minNumClients must be at least 1, was " + minNumClients);
        }
    }
}
