package io.fedlink.coordinator;

import io.fedlink.proto.Parameters;
import io.fedlink.tensor.NdArray;
import io.fedlink.tensor.ParametersCodec;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A JVM that saves checkpoints into a directory as fast as it can until it is killed, continuing after the latest
 * readable one: round {@code r} holds a model whose every element is {@code r} and the history of rounds 1..r, so a
 * reader can tell a complete checkpoint from a torn one. Prints {@code saved <r>} after each save returns.
 *
 * <p>Usage: {@code CheckpointSaverMain <directory> <floats per tensor>}
 */
public final class CheckpointSaverMain {

    private CheckpointSaverMain() {
    }

    public static void main(String[] args) {
        FileCheckpointStore store = new FileCheckpointStore(Path.of(args[0]), 3);
        int floats = Integer.parseInt(args[1]);
        int round = store.loadLatest().map(Checkpoint::round).orElse(0);
        while (true) {
            round++;
            store.save(new Checkpoint(round, model(round, floats), CompletedRounds.upTo(round)));
            System.out.println("saved " + round);
            System.out.flush();
        }
    }

    /** The model of round {@code round}: one tensor of {@code floats} elements, all equal to the round. */
    static Parameters model(int round, int floats) {
        float[] values = new float[floats];
        Arrays.fill(values, round);
        return ParametersCodec.encode(NdArray.of(values));
    }
}
