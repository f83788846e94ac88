package io.fedlink.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fedlink.SettingNames;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DefaultClientManagerTests {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DefaultClientManager manager = new DefaultClientManager(Duration.ofMillis(300), 3);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void whenEnoughClientsRegisterWhileWaitingThenWaitForReturnsTrue() throws Exception {
        scheduler.schedule(() -> manager.register(client("a")), 50, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> manager.register(client("b")), 100, TimeUnit.MILLISECONDS);
        assertThat(manager.waitFor(2, Duration.ofSeconds(10))).isTrue();
        assertThat(manager.numAvailable()).isEqualTo(2);
    }

    @Test
    void whenTooFewClientsConnectThenWaitForReturnsFalseOnItsBound() throws Exception {
        manager.register(client("a"));
        assertThat(manager.waitFor(2, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void whenQuorumIsNotReachedThenGetClientsThrowsNamingCountsAndTheProperty() {
        manager.register(client("a"));
        assertThatThrownBy(() -> manager.getClients(3))
                .isInstanceOf(QuorumTimeoutException.class)
                .hasMessageContaining("3 connected clients").hasMessageContaining("only 1")
                .hasMessageContaining("raise quorumTimeout");
    }

    @Test
    void whenQuorumIsReachedThenGetClientsReturnsAllConnectedInRegistrationOrder() {
        manager.register(client("a"));
        manager.register(client("b"));
        assertThat(manager.getClients(2)).extracting(ClientProxy::id).containsExactly("a", "b");
    }

    @Test
    void whenTheRegistryIsFullOrTheIdIsTakenThenRegisterRefuses() {
        assertThat(manager.register(client("a"))).isTrue();
        assertThat(manager.register(client("a"))).isFalse();
        manager.register(client("b"));
        manager.register(client("c"));
        assertThat(manager.register(client("d"))).isFalse();
        assertThat(manager.numAvailable()).isEqualTo(3);
    }

    @Test
    void whenUnregisteredTwiceThenTheSecondCallDoesNothingAndListenersHearOnce() {
        List<String> heard = new ArrayList<>();
        manager.addListener(recordingInto(heard));
        ClientProxy a = client("a");
        manager.register(a);
        manager.unregister(a, DisconnectReason.CANCELLED);
        manager.unregister(a, DisconnectReason.CANCELLED);
        assertThat(heard).containsExactly("+a", "-a:CANCELLED");
        assertThat(manager.numAvailable()).isZero();
    }

    @Test
    void whenAListenerThrowsThenTheRegistryStillChangesAndLaterListenersAreStillTold() {
        List<String> heard = new ArrayList<>();
        manager.addListener(new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                throw new IllegalStateException("user listener fails on registration");
            }

            @Override
            public void unregistered(ClientProxy client, DisconnectReason reason) {
                throw new IllegalStateException("user listener fails on unregistration");
            }
        });
        manager.addListener(recordingInto(heard));
        ClientProxy a = client("a");

        List<String> warnings = logged(Level.WARN, () -> {
            assertThat(manager.register(a)).isTrue();
            assertThat(manager.numAvailable()).isEqualTo(1);
            manager.unregister(a, DisconnectReason.CANCELLED);
        });

        assertThat(manager.numAvailable()).isZero();
        assertThat(heard).containsExactly("+a", "-a:CANCELLED");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("listener").contains("failed").contains("registration of client a");
        assertThat(warnings.get(1)).contains("listener").contains("failed").contains("unregistration of client a");
    }

    @Test
    void whenAStaleProxyWithTheSameIdIsUnregisteredThenTheCurrentOneStays() {
        manager.register(client("a"));
        manager.unregister(client("a"), DisconnectReason.CANCELLED);
        assertThat(manager.get("a")).isPresent();
    }

    @Test
    void snapshotDoesNotChangeWhenClientsComeAndGo() {
        ClientProxy a = client("a");
        manager.register(a);
        List<ClientProxy> snapshot = manager.all();
        manager.unregister(a, DisconnectReason.CANCELLED);
        manager.register(client("b"));
        assertThat(snapshot).extracting(ClientProxy::id).containsExactly("a");
        assertThatThrownBy(() -> snapshot.add(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void sampleReturnsDistinctClientsMatchingTheCriterion() {
        manager.register(client("a"));
        manager.register(client("b"));
        manager.register(client("c"));
        assertThat(manager.sample(2)).hasSize(2).doesNotHaveDuplicates();
        assertThat(manager.sample(2, client -> !client.id().equals("b")))
                .extracting(ClientProxy::id).containsExactlyInAnyOrder("a", "c");
        assertThat(manager.sample(3, client -> client.id().equals("c"))).extracting(ClientProxy::id).containsExactly("c");
    }

    @Test
    void sampleWaitsForTheQuorumWithinItsBound() {
        manager.register(client("a"));
        assertThatThrownBy(() -> manager.sample(2)).isInstanceOf(QuorumTimeoutException.class);
    }

    @Test
    void whenTheWaitingThreadIsInterruptedThenWaitForThrowsAndGetClientsKeepsTheFlag() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> manager.getClients(2)).hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void invalidArgumentsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> manager.waitFor(0, Duration.ofSeconds(1))).hasMessageContaining("was 0");
        assertThatThrownBy(() -> new DefaultClientManager(Duration.ofSeconds(1), 0)).hasMessageContaining("maxClients");
    }

    @Test
    void quorumProgressNamesTheCountsTheSettingAndTheTimeLeft() {
        SettingNames names = SettingNames.neutral();
        assertThat(DefaultClientManager.quorumProgress(1, 3, Duration.ofMillis(99_700), names))
                .isEqualTo("waiting for quorum: 1/3 clients connected (timeout in 1m40s, set by quorumTimeout)");
        assertThat(DefaultClientManager.quorumProgress(0, 2, Duration.ofSeconds(3605), names)).contains("timeout in 1h5s,");
        assertThat(DefaultClientManager.quorumProgress(0, 2, Duration.ofMillis(200), names)).contains("timeout in 0s,");
        assertThat(DefaultClientManager.quorumProgress(1, 3, Duration.ofMillis(99_700), setting -> "<" + setting + ">"))
                .endsWith(", set by <QUORUM_TIMEOUT>)");
    }

    @Test
    void whenAQuorumWaitLastsThenItLogsWhatItWaitsForEveryIntervalUntilItTimesOut() {
        DefaultClientManager slow = new DefaultClientManager(Duration.ofMillis(1_000), 10, Duration.ofMillis(150));
        slow.register(client("a"));
        List<String> lines = logged(() -> assertThatThrownBy(() -> slow.getClients(3))
                .isInstanceOf(QuorumTimeoutException.class));
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2).allSatisfy(line -> assertThat(line)
                .startsWith("waiting for quorum: 1/3 clients connected (timeout in "));
    }

    @Test
    void whenTheQuorumArrivesDuringALoggedWaitThenGetClientsReturnsIt() {
        DefaultClientManager slow = new DefaultClientManager(Duration.ofSeconds(10), 10, Duration.ofMillis(100));
        slow.register(client("a"));
        scheduler.schedule(() -> slow.register(client("b")), 400, TimeUnit.MILLISECONDS);
        List<String> lines = logged(() -> assertThat(slow.getClients(2)).hasSize(2));
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).contains("1/2 clients connected"));
    }

    @Test
    void whenTheQuorumIsAlreadyThereThenNothingIsLogged() {
        DefaultClientManager quick = new DefaultClientManager(Duration.ofSeconds(10), 10, Duration.ofMillis(1));
        quick.register(client("a"));
        assertThat(logged(() -> assertThat(quick.sample(1)).hasSize(1))).isEmpty();
    }

    /** A listener that writes "+id" for a registration and "-id:REASON" for an unregistration into {@code heard}. */
    private static ClientManagerListener recordingInto(List<String> heard) {
        return new ClientManagerListener() {
            @Override
            public void registered(ClientProxy client) {
                heard.add("+" + client.id());
            }

            @Override
            public void unregistered(ClientProxy client, DisconnectReason reason) {
                heard.add("-" + client.id() + ":" + reason);
            }
        };
    }

    /** The INFO lines DefaultClientManager logs while {@code action} runs. */
    private static List<String> logged(Runnable action) {
        return logged(Level.INFO, action);
    }

    /** The lines of {@code level} DefaultClientManager logs while {@code action} runs. */
    private static List<String> logged(Level wanted, Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(DefaultClientManager.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
        return appender.list.stream().filter(event -> event.getLevel() == wanted)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static ClientProxy client(String id) {
        return new DefaultClientProxy(new FixedStream(id));
    }

    /** A stream that is open and never answers; enough for registry tests. */
    private record FixedStream(String id) implements ClientStream {
        @Override
        public String peer() {
            return "test";
        }

        @Override
        public Instant connectedAt() {
            return Instant.EPOCH;
        }

        @Override
        public Optional<String> identity() {
            return Optional.empty();
        }

        @Override
        public Duration defaultReplyTimeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public CompletableFuture<ClientMessage> send(ServerMessage instruction, Duration timeout) {
            return new CompletableFuture<>();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public Optional<String> instructionInFlight() {
            return Optional.empty();
        }

        @Override
        public Optional<DisconnectReason> disconnectReason() {
            return Optional.empty();
        }

        @Override
        public void close(String why) {
        }
    }
}
