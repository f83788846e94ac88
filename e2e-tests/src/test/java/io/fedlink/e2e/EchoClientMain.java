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
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A fedlink client JVM for models of any size: {@code fit} answers with the parameters it was sent (after
 * {@code fitDelayMillis}), {@code evaluate} with loss 0.5 and accuracy 0.5, one example each. The sample client
 * cannot hold a 4,000,000-feature model (its synthetic data set would need gigabytes), this one holds nothing but
 * the message. Exits 0 when the coordinator ends training, 1 when it gives up reconnecting.
 *
 * <p>Usage: {@code EchoClientMain <host:port> <fitDelayMillis> [<keepaliveSeconds>]}: with a keepalive the channel
 * pings the coordinator every that many seconds (and gives up on a connection after 5 s without an answer) and gives a
 * connection attempt 5 s, so a dead link is found and a live one found again quickly.
 */
public final class EchoClientMain {

    private EchoClientMain() {
    }

    public static void main(String[] args) {
        String target = args[0];
        long fitDelay = Long.parseLong(args[1]);
        CoordinatorChannel.Builder builder = CoordinatorChannel.forTarget(target).usePlaintext();
        if (args.length > 2) {
            ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext()
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .keepAliveTime(Long.parseLong(args[2]), TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS)
                    .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000).build();
            builder = CoordinatorChannel.forChannel(channel, target);
        }
        CoordinatorChannel coordinator = builder.runnerSettings(new ClientRunnerSettings(false, new Backoff(
                Duration.ofMillis(500), Duration.ofSeconds(5), 2, 0.5, 20))).build();
        ClientRunner runner = coordinator.runner(new FederatedClient() {
            @Override
            public FitRes fit(FitIns ins) {
                long round = ins.getConfigOrDefault("round", Scalar.getDefaultInstance()).getSint64();
                System.out.println(System.currentTimeMillis() + " fit round " + round + ": received "
                        + ins.getParameters().getSerializedSize()
                        + " bytes of parameters; answering in " + fitDelay + " ms");
                sleep(fitDelay);
                System.out.println(System.currentTimeMillis() + " fit round " + round + ": sending the update");
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
