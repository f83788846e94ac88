package com.acme.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.ClientMessage.FitRes;
import io.fedlink.proto.ServerMessage.FitIns;
import io.fedlink.server.ClientProxy;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import io.fedlink.test.TestCoordinator;
import org.junit.jupiter.api.Test;

/** The application's client under fedlink-test, the second fedlink artifact this project takes from the BOM. */
class TrainerTests {

    @Test
    void fitReportsTheExamplesItTrainedOn() {
        try (TestCoordinator coordinator = TestCoordinator.inProcess().start()) {
            ClientProxy client = coordinator.connect(new Trainer());
            FitRes res = client.fit(FitIns.newBuilder()
                    .setParameters(ParametersCodec.encode(NdArray.of(new float[] {1f, 2f}))).build());
            assertThat(res.getNumExamples()).isEqualTo(100);
        }
    }
}
