package io.fedlink.benchmarks;

import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** One round: the same instruction to every peer, then wait for every reply. Shared by all figures and both coordinators. */
final class Rounds {

    private Rounds() {
    }

    /**
     * Sends {@code instruction} to every peer in order and blocks until all replied; each reply's latency (send to
     * reply, nanoseconds) goes to {@code latencies[i]} if that array is given, each reply to {@code onReply} (on the
     * gRPC thread that completed it) if given, after which the reply is done with.
     *
     * @throws IllegalStateException if a reply fails, is not a {@code fit_res}, or does not come within {@code timeoutSeconds}
     */
    static void fitRound(List<Peer> peers, ServerMessage instruction, long[] latencies, Consumer<ClientMessage> onReply,
                         long timeoutSeconds) throws InterruptedException {
        CompletableFuture<?>[] done = new CompletableFuture<?>[peers.size()];
        for (int i = 0; i < done.length; i++) {
            int slot = i;
            long sent = System.nanoTime();
            CompletableFuture<Void> handled = new CompletableFuture<>();
            done[i] = peers.get(i).send(instruction, handled).thenAccept(reply -> {
                long arrived = System.nanoTime();
                if (!reply.hasFitRes()) {
                    throw new IllegalStateException("expected fit_res, got " + reply.getMsgCase());
                }
                if (latencies != null) {
                    latencies[slot] = arrived - sent;
                }
                if (onReply != null) {
                    onReply.accept(reply);
                }
            }).whenComplete((ignored, error) -> handled.complete(null));
        }
        try {
            CompletableFuture.allOf(done).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a client failed during the round: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            long pending = Arrays.stream(done).filter(f -> !f.isDone()).count();
            throw new IllegalStateException(pending + " of " + done.length + " replies missing after " + timeoutSeconds + " s");
        }
    }

    /**
     * As {@link #fitRound}, but with at most {@code maxInFlight} instructions outstanding: the next client gets its
     * instruction only when an earlier reply has been handed to {@code onReply} and that call has returned. Bounds
     * how many replies the coordinator receives (and holds) at once, at the price of a longer round.
     */
    static void boundedFitRound(List<Peer> peers, ServerMessage instruction, int maxInFlight,
                                Consumer<ClientMessage> onReply, long timeoutSeconds) throws InterruptedException {
        Semaphore slots = new Semaphore(maxInFlight);
        CompletableFuture<?>[] done = new CompletableFuture<?>[peers.size()];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int i = 0; i < done.length; i++) {
            if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("round did not finish within " + timeoutSeconds + " s");
            }
            CompletableFuture<Void> handled = new CompletableFuture<>();
            done[i] = peers.get(i).send(instruction, handled).thenAccept(reply -> {
                if (!reply.hasFitRes()) {
                    throw new IllegalStateException("expected fit_res, got " + reply.getMsgCase());
                }
                onReply.accept(reply);
            }).whenComplete((ignored, error) -> {
                handled.complete(null);
                slots.release();
            });
        }
        try {
            CompletableFuture.allOf(done).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a client failed during the round: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("round did not finish within " + timeoutSeconds + " s");
        }
    }

    /**
     * The median over i of {@code numerators[i] / denominators[i]}: the ratio of two series measured in adjacent,
     * alternating windows, robust to a burst of outside load that hits a single window.
     */
    static double medianOfPairedRatios(List<Double> numerators, List<Double> denominators) {
        if (numerators.size() != denominators.size() || numerators.isEmpty()) {
            throw new IllegalArgumentException("paired series must have the same, non-zero length: "
                    + numerators.size() + " and " + denominators.size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            ratios.add(numerators.get(i) / denominators.get(i));
        }
        return median(ratios);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
