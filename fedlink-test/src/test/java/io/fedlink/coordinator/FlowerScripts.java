package io.fedlink.coordinator;

import io.fedlink.test.ScriptedClient;
import io.fedlink.test.TestMessages;

/** Scripted clients that end the way Flower clients do: {@code reconnect_ins} is acknowledged, then they hang up. */
final class FlowerScripts {

    private FlowerScripts() {
    }

    /** {@code script}, except that {@code reconnect_ins} (the end of training) is acknowledged and the stream closed. */
    static ScriptedClient endingOnReconnect(ScriptedClient script) {
        return (instruction, connection) -> {
            if (instruction.hasReconnectIns()) {
                connection.dispatch(TestMessages.disconnectRes());
                connection.close();
                return null;
            }
            return script.answer(instruction, connection);
        };
    }
}
