package io.fedlink.coordinator;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static io.fedlink.test.TestMessages.fitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Code;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.server.ClientBusyException;
import io.fedlink.server.ClientDisconnectedException;
import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import io.fedlink.server.ClientReplyTimeoutException;
import io.fedlink.server.ClientStream;
import io.fedlink.server.ClientUpdateRejectedException;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FanOutTests {

    private static final Parameters MODEL = ParametersCodec.encode(NdArray.of(new float[] {1, 2}));
    private static final ServerMessage FIT = fitIns(MODEL);

    private TestCoordinator coordinator;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = TestCoordinator.inProcess().quorumTimeout(Duration.ofSeconds(30)).start();
    }

    @AfterEach
    void stopCoordinator() throws Exception {
        release.countDown();
        coordinator.close();
    }

    private ScriptedClient answering() {
        return (instruction, connection) -> fitRes(instruction.getFitIns().getParameters(), 10);
    }

    private ScriptedClient silent() {
        return (instruction, connection) -> {
            release.await(60, TimeUnit.SECONDS);
            return null;
        };
    }

    private ScriptedClient disconnectingMidCall() {
        return (instruction, connection) -> {
            connection.abort("test client hangs up mid-call");
            return null;
        };
    }

    @Test
    void tenClientsWithTwoSilentAndOneDisconnectingYieldSevenRepliesAndThreeFailures() throws Exception {
        List<ClientProxy> clients = new ArrayList<>();
        List<ClientProxy> silent = new ArrayList<>();
        ClientProxy disconnecting = null;
        for (int i = 0; i < 10; i++) {
            if (i == 2 || i == 6) {
                ClientProxy client = coordinator.join(silent());
                silent.add(client);
                clients.add(client);
            } else if (i == 4) {
                disconnecting = coordinator.join(disconnectingMidCall());
                clients.add(disconnecting);
            } else {
                clients.add(coordinator.join(answering()));
            }
        }
        Duration replyTimeout = Duration.ofSeconds(2);
        FanOut fanOut = new FanOut(4, replyTimeout);

        long started = System.nanoTime();
        FanOutResult result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> fanOut.call(clients, FIT));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.asked()).isEqualTo(10);
        assertThat(result.replies()).hasSize(7);
        assertThat(result.replies()).allSatisfy(reply -> assertThat(reply.reply().getFitRes().getNumExamples()).isEqualTo(10));
        assertThat(result.failures()).hasSize(3);
        Map<String, Class<?>> failureTypes = result.failures().stream()
                .collect(Collectors.toMap(ClientFailure::clientId, failure -> failure.error().getClass()));
        assertThat(failureTypes).containsEntry(silent.get(0).id(), ClientReplyTimeoutException.class)
                .containsEntry(silent.get(1).id(), ClientReplyTimeoutException.class)
                .containsEntry(disconnecting.id(), ClientDisconnectedException.class);
        // Bounded: ceil(10 / 4) windows of at most one reply timeout each, plus generous slack for a slow machine.
        assertThat(took).isLessThan(replyTimeout.multipliedBy(3).plusSeconds(20));
        assertThat(result.elapsed()).isLessThanOrEqualTo(took);
    }

    @Test
    void neverHasMoreThanMaxInFlightInstructionsOutstanding() throws Exception {
        int window = 3;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        ScriptedClient counting = (instruction, connection) -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (inFlight.get() < window && System.nanoTime() < deadline) {
                Thread.sleep(5); // hold the reply until the window is full (or 2 s pass), to show it fills
            }
            inFlight.decrementAndGet();
            return fitRes(instruction.getFitIns().getParameters(), 1);
        };
        List<ClientProxy> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            clients.add(coordinator.join(counting));
        }

        FanOutResult result = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new FanOut(window, Duration.ofSeconds(30)).call(clients, FIT));

        assertThat(result.replies()).hasSize(10);
        assertThat(maxInFlight.get()).isEqualTo(window);
    }

    @Test
    void aReplyWhoseInBandStatusIsNotOkIsAFailure() throws Exception {
        ClientProxy good = coordinator.join(answering());
        ClientProxy refusing = coordinator.join((instruction, connection) ->
                fitStatus(Code.FIT_NOT_IMPLEMENTED, "no training here"));

        FanOutResult result = new FanOut(8, Duration.ofSeconds(10)).call(List.of(good, refusing), FIT);

        assertThat(result.replies()).extracting(ClientReply::client).containsExactly(good);
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.client()).isSameAs(refusing);
            assertThat(failure.error()).isInstanceOf(ClientStatusException.class)
                    .hasMessage("Client " + refusing.id() + " answered fit_ins with status FIT_NOT_IMPLEMENTED: no training here");
            assertThat(((ClientStatusException) failure.error()).code()).isEqualTo(Code.FIT_NOT_IMPLEMENTED);
        });
    }

    @Test
    void streamHandsRepliesToTheHandlerOnTheCallingThreadOneAtATime() throws Exception {
        List<ClientProxy> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(coordinator.join(answering()));
        }
        Thread caller = Thread.currentThread();
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();

        FanOutSummary summary = new FanOut(6, Duration.ofSeconds(10)).stream(clients, FIT, (client, reply) -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            handlerThreads.add(Thread.currentThread());
            concurrent.decrementAndGet();
        });

        assertThat(summary.answered()).containsExactlyInAnyOrderElementsOf(clients);
        assertThat(summary.failures()).isEmpty();
        assertThat(handlerThreads).containsExactly(caller);
        assertThat(maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void aHandlerThatRejectsAReplyMakesItThatClientsFailure() throws Exception {
        ClientProxy first = coordinator.join(answering());
        ClientProxy second = coordinator.join(answering());

        FanOutSummary summary = new FanOut(2, Duration.ofSeconds(10)).stream(List.of(first, second), FIT, (client, reply) -> {
            if (client == second) {
                throw new ClientUpdateRejectedException(client.id(), "bad update from " + client.id());
            }
        });

        assertThat(summary.answered()).containsExactly(first);
        assertThat(summary.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.clientId()).isEqualTo(second.id());
            assertThat(failure.error()).isInstanceOf(ClientUpdateRejectedException.class);
            assertThat(failure.reason()).isEqualTo("bad update from " + second.id());
        });
    }

    @Test
    void sendsEachClientTheInstructionMadeForIt() throws Exception {
        ScriptedClient echoing = (instruction, connection) -> ClientMessage.newBuilder()
                .setFitRes(ClientMessage.FitRes.newBuilder().setNumExamples(1)
                        .putMetrics("seen", instruction.getFitIns().getConfigOrThrow("who"))).build();
        ClientProxy a = coordinator.join(echoing);
        ClientProxy b = coordinator.join(echoing);

        FanOutResult result = new FanOut(2, Duration.ofSeconds(10)).call(List.of(a, b), client -> ServerMessage.newBuilder()
                .setFitIns(ServerMessage.FitIns.newBuilder().putConfig("who", TestMessages.scalar(client.id()))).build());

        assertThat(result.replies()).hasSize(2).allSatisfy(reply -> assertThat(
                reply.reply().getFitRes().getMetricsOrThrow("seen").getString()).isEqualTo(reply.client().id()));
    }

    @Test
    void clientsThatCannotBeAskedFailAtOnceWithoutHoldingUpTheOthers() throws Exception {
        ClientProxy good = coordinator.join(answering());
        ClientProxy gone = coordinator.join(answering());
        gone.stream().close("test closes this client");
        ClientProxy unbuildable = coordinator.join(answering());

        FanOutResult result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new FanOut(1, Duration.ofSeconds(20))
                .call(List.of(gone, unbuildable, good, good), client -> {
                    if (client == unbuildable) {
                        throw new IllegalStateException("no instruction for " + client.id());
                    }
                    return FIT;
                }));

        assertThat(result.replies()).extracting(ClientReply::client).containsExactly(good, good);
        assertThat(result.failures()).extracting(failure -> (Object) failure.error().getClass())
                .containsExactlyInAnyOrder(ClientDisconnectedException.class, IllegalStateException.class);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aClientListedTwiceAtOnceIsBusyTheSecondTime() throws Exception {
        ClientProxy slow = coordinator.join((instruction, connection) -> {
            Thread.sleep(200);
            return fitRes(MODEL, 1);
        });

        FanOutResult result = new FanOut(2, Duration.ofSeconds(10)).call(List.of(slow, slow), FIT);

        assertThat(result.replies()).hasSize(1);
        assertThat(result.failures()).singleElement().satisfies(failure ->
                assertThat(failure.error()).isInstanceOf(ClientBusyException.class));
    }

    @Test
    void givesUpByItselfOnAProxyWhoseReplyFutureNeverCompletes() throws Exception {
        ClientProxy real = coordinator.join(answering());
        ClientProxy stuck = new DefaultClientProxy(real.stream()) {
            @Override
            public CompletableFuture<ClientMessage> runAsync(ServerMessage instruction, Duration timeout,
                                                             CompletionStage<?> handled) {
                return new CompletableFuture<>(); // a broken subclass that ignores the timeout
            }
        };

        FanOutResult result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> new FanOut(1, Duration.ofMillis(300)).call(List.of(stuck), FIT));

        assertThat(result.failures()).singleElement().satisfies(failure -> assertThat(failure.error())
                .isInstanceOf(ClientReplyTimeoutException.class).hasMessageContaining("the fan-out gave up"));
    }

    @Test
    void anEmptyClientListReturnsAnEmptyResult() throws Exception {
        FanOutResult result = new FanOut(1, Duration.ofSeconds(1)).call(List.<ClientStream>of().stream()
                .map(DefaultClientProxy::new).toList(), FIT);

        assertThat(result.asked()).isZero();
        assertThat(result.replies()).isEmpty();
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void rejectsBoundsThatAreNotPositive() {
        assertThatThrownBy(() -> new FanOut(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxInFlight must be at least 1, was 0");
        assertThatThrownBy(() -> new FanOut(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replyTimeout must be positive, was PT0S");
    }
}
