package io.fedlink.server;

import static io.fedlink.test.TestMessages.fitIns;
import static io.fedlink.test.TestMessages.fitRes;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.coordinator.FanOut;
import io.fedlink.coordinator.FanOutSummary;
import io.fedlink.proto.Parameters;
import io.fedlink.proto.ServerMessage;
import io.fedlink.strategy.aggregate.WeightedMean;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.TestCoordinator;
import io.fedlink.test.TestCoordinatorBuilder;
import io.fedlink.wire.ModelTransfer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Models over real TCP (grpc-java's Netty transport): every client receives the instruction's model as protobuf
 * encodes it, whichever way the coordinator moves it; with {@link ModelTransfer#ZERO_COPY} (the default) a large
 * update is read in place, from the transport's direct buffers, and folds into the same mean as a copied one.
 */
class ModelTransferTests {

    private static final int FLOATS = 600_000;

    private TestCoordinator coordinator;

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ModelTransfer.class)
    void everyClientReceivesTheModelAsProtobufEncodesItAndUpdatesFoldIntoTheSameMean(ModelTransfer transfer)
            throws Exception {
        coordinator = coordinatorFor(transfer).start();
        ServerMessage instruction = fitIns(model(0.5f));
        Queue<ServerMessage> received = new ConcurrentLinkedQueue<>();
        for (int i = 1; i <= 3; i++) {
            float value = i;
            coordinator.join((ins, connection) -> {
                received.add(ins);
                return fitRes(model(value), 10);
            });
        }
        List<ClientProxy> clients = coordinator.awaitClients(3);
        WeightedMean mean = new WeightedMean(instruction.getFitIns().getParameters());
        Queue<Boolean> readInPlace = new ConcurrentLinkedQueue<>();

        FanOutSummary summary = new FanOut(3, TestCoordinator.BOUND).stream(clients, instruction, (client, reply) -> {
            readInPlace.add(reply.getFitRes().getParameters().getTensors(0).asReadOnlyByteBufferList().stream()
                    .allMatch(ByteBuffer::isDirect));
            mean.add(client.id(), reply.getFitRes().getParameters(), reply.getFitRes().getNumExamples());
        });

        assertThat(summary.failures()).isEmpty();
        assertThat(received).hasSize(3).allSatisfy(ins -> assertThat(ins).isEqualTo(instruction));
        assertThat(ParametersCodec.decode(mean.result()).get(0).toFloatArray()).containsOnly(2f);
        assertThat(readInPlace).hasSize(3).containsOnly(transfer == ModelTransfer.ZERO_COPY);
    }

    private static TestCoordinatorBuilder coordinatorFor(ModelTransfer transfer) {
        return TestCoordinator.tcp().modelTransfer(transfer).flowControl(new FlowControl(64L << 20, 2));
    }

    private static Parameters model(float value) {
        float[] values = new float[FLOATS];
        Arrays.fill(values, value);
        return ParametersCodec.encode(NdArray.of(values));
    }
}
