package io.fedlink.server;

import io.fedlink.proto.ServerMessage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToIntFunction;

/**
 * What every {@link StreamBridge} of one servicer shares.
 *
 * @param settings       reply timeout, timeout policy, limits
 * @param timer          runs deadlines; its tasks are short and never block
 * @param reporter       tells instruction listeners how each instruction ended
 * @param marshalledSize the bytes an instruction takes on the wire, as the Join method's response marshaller writes
 *                       it (counted, not assumed from protobuf's encoding, so that a marshaller writing pre-encoded
 *                       bytes is counted right)
 * @param sendBudget     bytes of instructions queued for sending, across streams
 * @param receivePermits large replies received at once, across streams (one unit each)
 */
record StreamResources(StreamSettings settings, ScheduledExecutorService timer, InstructionReporter reporter,
                       ToIntFunction<ServerMessage> marshalledSize, SharedBudget sendBudget,
                       SharedBudget receivePermits) {
}
