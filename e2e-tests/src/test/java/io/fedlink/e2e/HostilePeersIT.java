package io.fedlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.Status;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.Npy;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.process.ManagedProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Bad input from peers, against the sample coordinator as its own JVM (512 MB heap, 32 MB message limit) while the
 * sample client trains through the same rounds: each bad input fails only the peer that sent it, with an error that
 * says what was wrong; the rounds complete with the good update; the coordinator keeps serving; and the heap it
 * retains afterwards is about what it was before.
 */
class HostilePeersIT {

    private static final Duration BOUND = Duration.ofMinutes(3);
    private static final String JOIN = "flwr.proto.FlowerService/Join";
    /** More heap than this still in use after training and a full GC would mean bad input was kept. */
    private static final long RETAINED_HEAP_BOUND = 32L * 1024 * 1024;

    @Test
    void badInputFailsOnlyThePeerThatSentItWhileAWellBehavedClientTrainsAndTheHeapStaysBounded(TestInfo test)
            throws Exception {
        try (SampleFederation federation = new SampleFederation(test.getTestMethod().orElseThrow().getName())
                .coordinatorHeap("512m")) {
            ManagedProcess coordinator = federation.startLingeringCoordinator("--fedlink.server.quorum.min-clients=6",
                    "--fedlink.server.training.rounds=2", "--fedlink.server.training.min-fit-results=1",
                    "--fedlink.server.reply-timeout=60s", "--fedlink.server.max-message-size=32MB");
            ManagedProcess good = federation.startClient(0, 1, "--sample.fit-delay=6s");
            Actuator actuator = federation.actuator();
            actuator.awaitClients("the good client connects", BOUND, ids -> ids.size() == 1);
            long baseline = settledHeap(coordinator, actuator);

            int port = federation.port();
            List<ScriptedPeer> peers = new ArrayList<>();
            List<RawPeers.RawPeer> rawPeers = new ArrayList<>();
            AtomicLong peakHeap = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        peakHeap.accumulateAndGet(actuator.heapUsed(), Math::max);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the next sample will do
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            try {
                peers.add(ScriptedPeer.start("wrong-case", port, fit -> evaluateRes()));
                peers.add(ScriptedPeer.start("lying-npy-header", port, fit -> fitRes(lyingParameters(), 10)));
                peers.add(ScriptedPeer.start("million-metrics", port, fit -> millionMetrics(fit.getParameters())));
                peers.add(ScriptedPeer.start("million-tensors", port, fit -> fitRes(millionTensors(), 10)));
                peers.add(ScriptedPeer.start("huge-status-message", port, fit -> hugeStatusMessage()));

                // Protocol abuse on fresh connections while round 1 runs (its fit clients are fixed when it starts). What
                // the raw peers send unasked is read, as a Flower server reads it, as their reply to their next
                // instruction: round 1's evaluate_ins.
                good.awaitLine("its round-1 fit", BOUND, line -> line.contains("fit round 1: training"));
                long abuseStarted = System.nanoTime();
                byte[] random = new byte[4096];
                new Random(7).nextBytes(random);
                byte[] valid = fitRes(ParametersCodec.encode(NdArray.zeros(DType.FLOAT32, 20)), 1).toByteArray();
                RawPeers.RawPeer randomPeer = RawPeers.start(port, random);
                RawPeers.RawPeer truncatedPeer = RawPeers.start(port, Arrays.copyOf(valid, valid.length / 2));
                RawPeers.RawPeer unsolicitedPeer = RawPeers.start(port, valid);
                rawPeers.addAll(List.of(randomPeer, truncatedPeer, unsolicitedPeer));
                io.grpc.Status unknownMethod = RawPeers.sendOnce(port, "flwr.proto.FlowerService/Leave", valid,
                        Duration.ofSeconds(20));
                byte[] garbage = new byte[64 * 1024];
                new Random(11).nextBytes(garbage);
                String notHttp2 = RawPeers.writeGarbage(port, garbage, Duration.ofSeconds(20));
                String http1 = RawPeers.writeGarbage(port,
                        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(20));
                actuator.awaitClients("the raw peers are registered", BOUND, ids -> ids.size() == 9);
                boolean roundOneStillRunning = coordinator.linesContaining("round 1/2: replies").isEmpty();

                String first = coordinator.awaitLine("round 1", BOUND, line -> line.contains("round 1/2: replies"));
                assertThat(roundOneStillRunning).as("the raw peers joined while round 1 ran, so its evaluation asks them")
                        .isTrue();
                String second = coordinator.awaitLine("round 2", BOUND, line -> line.contains("round 2/2: replies"));
                io.grpc.Status randomBytes = randomPeer.awaitStatus(BOUND);
                io.grpc.Status truncated = truncatedPeer.awaitStatus(BOUND);
                io.grpc.Status unsolicited = unsolicitedPeer.awaitStatus(BOUND);
                System.out.printf("abuse took %d ms: random bytes -> %s; truncated -> %s; unsolicited -> %s; unknown method"
                                + " -> %s; garbage TCP -> %s; HTTP/1.1 -> %s%n", Timings.since(abuseStarted).toMillis(),
                        randomBytes, truncated, unsolicited, unknownMethod, notHttp2, http1);
                sampler.interrupt();
                long heapAfter = settledHeap(coordinator, actuator);
                System.out.printf("heap after a full GC: %d MB before the bad input, %d MB after training; highest heap"
                        + " in use seen meanwhile (sampled every 100 ms): %d MB%n", baseline >> 20, heapAfter >> 20,
                        peakHeap.get() >> 20);

                // Round 1: only the good client's update counts. Its evaluation, as Flower's, asks every client connected
                // by then, the raw peers too: their bytes fail their evaluations (two malformed, one a fit_res).
                assertThat(first).as("round 1: 5 failed fits, then 3 failed evaluations")
                        .contains("replies 1/6, failures 8");
                List<String> roundOne = coordinator.linesContaining("round 1/2: client ");
                List<String> rawFailures = roundOne.stream().filter(line -> line.contains("failed to evaluate")).toList();
                assertThat(rawFailures).hasSize(3);
                assertThat(rawFailures).filteredOn(line -> line.contains("disconnected (PROTOCOL_ERROR) while evaluate_ins"
                        + " was outstanding") && line.contains("not a valid flwr.proto.ClientMessage")).hasSize(2);
                assertThat(rawFailures).anySatisfy(line -> assertThat(line).contains("UnexpectedReplyException")
                        .contains("answered evaluate_ins with fit_res; expected evaluate_res"));
                // Round 2: every scripted peer is served; the last raw peer hangs up when asked to fit.
                assertThat(second).as("every scripted peer is still served in round 2").contains("replies 6/7, failures 1");
                List<String> failures = roundOne.stream().filter(line -> line.contains("failed to fit")).toList();
                assertThat(failures).hasSize(5);
                assertThat(failures).anySatisfy(line -> assertThat(line).contains("UnexpectedReplyException")
                        .contains("answered fit_ins with evaluate_res; expected fit_res"));
                assertThat(failures).anySatisfy(line -> assertThat(line).contains("ClientUpdateRejectedException")
                        .contains("Truncated .npy array: the header declares <f4 (99999999,), 399999996 data bytes, but 80"));
                assertThat(failures).anySatisfy(line -> assertThat(line).contains("ClientUpdateRejectedException")
                        .contains("rejected: tensor 0: Not a .npy array"));
                assertThat(failures).anySatisfy(line -> assertThat(line).contains("ClientUpdateRejectedException")
                        .contains("its fit_res carries 1000000 metrics, more than the 1024"));
                assertThat(failures).anySatisfy(line -> assertThat(line).contains("ClientStatusException")
                        .contains("FIT_NOT_IMPLEMENTED: xxx").contains("(cut: "));
                assertThat(failures).allSatisfy(line -> assertThat(line.length()).as("a failure line").isLessThan(4096));

                assertThat(randomBytes).isNotNull();
                assertThat(randomBytes.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                assertThat(randomBytes.getDescription()).contains("not a valid flwr.proto.ClientMessage");
                assertThat(truncated).isNotNull();
                assertThat(truncated.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                assertThat(truncated.getDescription()).contains("not a valid flwr.proto.ClientMessage");
                assertThat(unsolicited).as("read as its reply to round 1's evaluate_ins, not a protocol error").isNotNull();
                assertThat(unsolicited.getCode()).isEqualTo(io.grpc.Status.Code.CANCELLED);
                assertThat(unknownMethod).isNotNull();
                assertThat(unknownMethod.getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED);
                assertThat(notHttp2).as("the coordinator ends a connection that does not speak HTTP/2")
                        .doesNotContain("still open");
                assertThat(http1).doesNotContain("still open");

                assertThat(heapAfter - baseline).as("heap retained after the bad input").isLessThan(RETAINED_HEAP_BOUND);
                assertThat(coordinator.isAlive()).isTrue();
                assertThat(coordinator.output()).doesNotContain("OutOfMemoryError");
                assertThat(good.output()).contains("fit round 2: training");
            } finally {
                sampler.interrupt();
                for (ScriptedPeer peer : peers) {
                    peer.close();
                }
                for (RawPeers.RawPeer peer : rawPeers) {
                    peer.close();
                }
            }
        }
    }

    /** Heap in use after a full GC, read through the actuator. */
    private static long settledHeap(ManagedProcess coordinator, Actuator actuator) throws Exception {
        coordinator.jcmd("GC.run");
        return actuator.heapUsed();
    }

    private static ClientMessage fitRes(Parameters parameters, long examples) {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setParameters(parameters)
                .setNumExamples(examples)).build();
    }

    private static ClientMessage evaluateRes() {
        return ClientMessage.newBuilder().setEvaluateRes(ClientMessage.EvaluateRes.newBuilder().setLoss(0.1f)
                .setNumExamples(10)).build();
    }

    /** The sample's layout (20 weights, 1 bias), but the weights' header claims 99,999,999 elements. */
    private static Parameters lyingParameters() {
        String npy = new String(Npy.write(NdArray.zeros(DType.FLOAT32, 20)), StandardCharsets.ISO_8859_1);
        String lying = npy.replace("(20,), }      ", "(99999999,), }");
        assertThat(lying).hasSameSizeAs(npy).isNotEqualTo(npy);
        return Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE)
                .addTensors(ByteString.copyFrom(lying, StandardCharsets.ISO_8859_1))
                .addTensors(ByteString.copyFrom(Npy.write(NdArray.zeros(DType.FLOAT32, 1)))).build();
    }

    /** A valid update carrying 1,000,000 metrics (about 23 MB on the wire). */
    private static ClientMessage millionMetrics(Parameters parameters) {
        ClientMessage.FitRes.Builder fit = ClientMessage.FitRes.newBuilder().setParameters(parameters).setNumExamples(10);
        for (int i = 0; i < 1_000_000; i++) {
            fit.putMetrics(String.format("m%07d", i), Scalar.newBuilder().setDouble(i).build());
        }
        return ClientMessage.newBuilder().setFitRes(fit).build();
    }

    /** 1,000,000 empty tensors (2 MB on the wire, a million objects once parsed). */
    private static Parameters millionTensors() {
        Parameters.Builder parameters = Parameters.newBuilder().setTensorType(ParametersCodec.NUMPY_TENSOR_TYPE);
        for (int i = 0; i < 1_000_000; i++) {
            parameters.addTensors(ByteString.EMPTY);
        }
        return parameters.build();
    }

    /** A failed fit whose status message is 20 MB of text. */
    private static ClientMessage hugeStatusMessage() {
        return ClientMessage.newBuilder().setFitRes(ClientMessage.FitRes.newBuilder().setStatus(Status.newBuilder()
                .setCode(io.fedlink.proto.Code.FIT_NOT_IMPLEMENTED).setMessage("x".repeat(20_000_000)))).build();
    }
}
