package io.fedlink.e2e;

import io.fedlink.client.Backoff;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ClientMessage.GetParametersRes;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.proto.ServerMessage.GetParametersIns;
import io.fedlink.tensor.DType;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A fedlink client run by a {@link ClientRunner} in the test JVM, on its own {@link CoordinatorChannel} (its own TCP
 * connection): {@code getParameters} gives the sample model's layout (20 weights and a bias, zeros), {@code fit}
 * answers with the parameters it was sent after {@code fitDelay}, {@code evaluate} with loss 0.5. It
 * records the round of every fit it was asked for, and tells {@code onFit} as each one starts.
 */
final class InTestClient implements AutoCloseable {

    private final CoordinatorChannel channel;
    private final ClientRunner runner;
    private final List<Integer> fitRounds = new CopyOnWriteArrayList<>();

    InTestClient(int port, Duration fitDelay, IntConsumer onFit) {
        channel = CoordinatorChannel.forTarget("127.0.0.1:" + port).usePlaintext().maxMessageSize(64 * 1024 * 1024)
                .runnerSettings(new ClientRunnerSettings(false, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), 2,
                        0.5, 20))).build();
        runner = channel.runner(new FederatedClient() {
            @Override
            public GetParametersRes getParameters(GetParametersIns ins) {
                return GetParametersRes.newBuilder().setParameters(ParametersCodec.encode(
                        NdArray.zeros(DType.FLOAT32, 20), NdArray.zeros(DType.FLOAT32, 1))).build();
            }

            @Override
            public FitRes fit(FitIns ins) {
                int round = (int) ins.getConfigOrDefault("round", Scalar.getDefaultInstance()).getSint64();
                fitRounds.add(round);
                onFit.accept(round);
                try {
                    Thread.sleep(fitDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("stopped during fit", e);
                }
                return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(10).build();
            }

            @Override
            public EvaluateRes evaluate(EvaluateIns ins) {
                return EvaluateRes.newBuilder().setLoss(0.5f).setNumExamples(10)
                        .putMetrics("accuracy", Scalar.newBuilder().setDouble(0.5).build()).build();
            }
        });
    }

    InTestClient start() {
        runner.start();
        return this;
    }

    ClientRunner runner() {
        return runner;
    }

    /** The rounds of the fit instructions this client was sent, in order. */
    List<Integer> fitRounds() {
        return List.copyOf(fitRounds);
    }

    /** Leaves: cancels the stream (the coordinator sees the client go) and stops the runner. */
    void leave() {
        runner.stop(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        channel.close();
    }
}
