package io.fedlink.test;

import io.fedlink.client.Connection;
import io.fedlink.proto.ClientMessage;
import io.fedlink.proto.ServerMessage;

/**
 * A client written as a script over a raw {@link Connection}: how it answers each instruction, including wrong
 * answers (another case, nothing at all, a hang-up) that a {@code FederatedClient} cannot give. Runs on the client's
 * own thread; see {@link TestFederation#join}.
 */
@FunctionalInterface
public interface ScriptedClient {

    /**
     * The reply to {@code instruction}, or {@code null} to send nothing. May use {@code connection} directly (to close
     * or abort it, say). Throwing ends this client's loop; its stream stays as it is until the federation closes.
     */
    ClientMessage answer(ServerMessage instruction, Connection connection) throws Exception;
}
