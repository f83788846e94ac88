package io.fedlink.strategy;

import io.fedlink.server.ClientProxy;
import java.util.Objects;

/**
 * One client of a round and the instruction it is sent ({@code FitIns} or {@code EvaluateIns}).
 *
 * @param client      the client
 * @param instruction what it is asked to do
 * @param <T>         {@link io.fedlink.proto.ServerMessage.FitIns} or {@link io.fedlink.proto.ServerMessage.EvaluateIns}
 */
public record ClientInstruction<T>(ClientProxy client, T instruction) {

    public ClientInstruction {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(instruction, "instruction");
    }
}
