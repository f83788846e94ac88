package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoundsTests {

    private static final ServerMessage FIT_INS = Payloads.fitIns(Parameters.getDefaultInstance());
    private static final ClientMessage FIT_RES = Payloads.fitRes(Parameters.getDefaultInstance(), 1);

    private final ExecutorService replies = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() throws InterruptedException {
        replies.shutdownNow();
        replies.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void aRoundCollectsEveryReplyAndItsLatency() throws InterruptedException {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            peers.add((instruction, handled) -> CompletableFuture.supplyAsync(() -> FIT_RES, replies));
        }
        long[] latencies = {-1, -1, -1, -1, -1};
        AtomicInteger received = new AtomicInteger();

        Rounds.fitRound(peers, FIT_INS, latencies, reply -> received.incrementAndGet(), 10);

        assertThat(received).hasValue(5);
        assertThat(Arrays.stream(latencies).boxed()).allMatch(latency -> latency >= 0);
    }

    @Test
    void aReplyIsDoneWithOnlyOnceItsHandlerHasReturned() throws InterruptedException {
        List<CompletableFuture<?>> handledStages = new CopyOnWriteArrayList<>();
        List<Peer> peers = List.of((instruction, handled) -> {
            handledStages.add(handled.toCompletableFuture());
            return CompletableFuture.supplyAsync(() -> FIT_RES, replies);
        });
        AtomicBoolean doneWhileHandled = new AtomicBoolean(true);

        Rounds.fitRound(peers, FIT_INS, null, reply -> doneWhileHandled.set(handledStages.get(0).isDone()), 10);

        assertThat(doneWhileHandled).isFalse();
        assertThat(handledStages).singleElement().matches(CompletableFuture::isDone);
    }

    @Test
    void aRoundFailsNamingAWrongReply() {
        List<Peer> peers = List.of((instruction, handled) -> CompletableFuture.completedFuture(
                ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.getDefaultInstance()).build()));

        assertThatThrownBy(() -> Rounds.fitRound(peers, FIT_INS, null, null, 10))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("EVALUATE_RES");
    }

    @Test
    void aBoundedRoundNeverHasMoreInstructionsOutstandingThanAllowed() throws InterruptedException {
        AtomicInteger outstanding = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            peers.add((instruction, handled) -> {
                most.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                return CompletableFuture.supplyAsync(() -> FIT_RES, replies);
            });
        }
        AtomicInteger received = new AtomicInteger();

        Rounds.boundedFitRound(peers, FIT_INS, 2, reply -> {
            outstanding.decrementAndGet();
            received.incrementAndGet();
        }, 10);

        assertThat(received).hasValue(20);
        assertThat(most.get()).isBetween(1, 2);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Rounds.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Rounds.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void pairedRatiosTakeTheMedianSoOneDisturbedWindowDoesNotMoveIt() {
        double ratio = Rounds.medianOfPairedRatios(List.of(90.0, 10.0, 95.0), List.of(100.0, 100.0, 100.0));
        assertThat(ratio).isEqualTo(0.9);
        assertThatThrownBy(() -> Rounds.medianOfPairedRatios(List.of(1.0), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
