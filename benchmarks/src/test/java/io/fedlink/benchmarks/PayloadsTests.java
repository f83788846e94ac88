package io.fedlink.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedlink.proto.Parameters;
import org.junit.jupiter.api.Test;

class PayloadsTests {

    @Test
    void splitsAModelIntoTensorsOfAtMostTheGivenSize() {
        Parameters model = Payloads.model(10 * 1024, 4 * 1024, 1f, false);

        assertThat(model.getTensorsCount()).isEqualTo(3);
        assertThat(NpyFloat32.floats(model.getTensors(0)).remaining()).isEqualTo(1024);
        assertThat(NpyFloat32.floats(model.getTensors(2)).remaining()).isEqualTo(512);
        assertThat(Payloads.tensorBytes(model)).isEqualTo(2 * NpyFloat32.encodedSize(1024) + NpyFloat32.encodedSize(512));
    }

    @Test
    void sharesFullTensorsUnlessAskedForDistinctOnes() {
        Parameters shared = Payloads.model(8 * 1024, 4 * 1024, 1f, false);
        Parameters distinct = Payloads.model(8 * 1024, 4 * 1024, 1f, true);

        assertThat(shared.getTensors(0)).isSameAs(shared.getTensors(1));
        assertThat(distinct.getTensors(0)).isNotSameAs(distinct.getTensors(1)).isEqualTo(distinct.getTensors(1));
    }

    @Test
    void fitMessagesCarryTheParameters() {
        Parameters model = Payloads.model(1024, 1024, 0.5f, true);
        assertThat(Payloads.fitIns(model).getFitIns().getParameters()).isEqualTo(model);
        assertThat(Payloads.fitRes(model, 7).getFitRes().getNumExamples()).isEqualTo(7);
    }
}
