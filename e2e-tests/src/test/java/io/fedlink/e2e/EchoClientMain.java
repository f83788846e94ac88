package io.fedlink.e2e;

import io.fedlink.client.Backoff;
import io.fedlink.client.ClientRunner;
import io.fedlink.client.ClientRunnerSettings;
import io.fedlink.client.CoordinatorChannel;
import io.fedlink.client.FederatedClient;
import io.fedlink.proto.ClientMessage.EvaluateRes;
import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.Scalar;
import io.fedlink.proto.ServerMessage.EvaluateIns;
import io.fedlink.proto.ServerMessage.FitIns;
import java.time.Duration;

/**
 * A fedlink client JVM for models of any size: {@code fit} answers with the parameters it was sent (after
 * {@code fitDelayMillis}), {@code evaluate} with loss 0.5 and accuracy 0.5, one example each. The sample client
 * cannot hold a 4,000,000-feature model (its synthetic data set would need gigabytes), this one holds nothing but
 * the message. Exits 0 when the coordinator ends training, 1 when it gives up reconnecting.
 *
 * <p>Usage: {@code EchoClientMain <host:port> <fitDelayMillis>}
 */
public final class EchoClientMain {

    private EchoClientMain() {
    }

    public static void main(String[] args) {
        String target = args[0];
        long fitDelay = Long.parseLong(args[1]);
        CoordinatorChannel coordinator = CoordinatorChannel.forTarget(target).usePlaintext()
                .runnerSettings(new ClientRunnerSettings(false, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), 2,
                        0.5, 20))).build();
        ClientRunner runner = coordinator.runner(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                long round = ins.getConfigOrDefault("round", Scalar.getDefaultInstance()).getSint64();
                System.out.println("fit round " + round + ": received " + ins.getParameters().getSerializedSize()
                        + " bytes of parameters; answering in " + fitDelay + " ms");
                sleep(fitDelay);
                System.out.println("fit round " + round + ": sending the update");
                return FitRes.newBuilder().setParameters(ins.getParameters()).setNumExamples(1).build();
            }

            @Override
            public EvaluateRes evaluate(EvaluateIns ins) {
                return EvaluateRes.newBuilder().setLoss(0.5f).setNumExamples(1)
                        .putMetrics("accuracy", Scalar.newBuilder().setDouble(0.5).build()).build();
            }
        });
        int code = 0;
        try {
            runner.run();
        } catch (RuntimeException e) {
            code = 1;
        } finally {
            coordinator.close();
        }
        System.exit(code);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fit interrupted", e);
        }
    }
}
