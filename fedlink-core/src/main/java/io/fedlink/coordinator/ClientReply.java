package io.fedlink.coordinator;

import io.fedlink.proto.ClientMessage;
import io.fedlink.server.ClientProxy;

/**
 * A client's successful reply to a fan-out: the reply case matched the instruction and its in-band
 * {@code Status} was {@code OK}.
 *
 * @param client the client that answered
 * @param reply  its reply
 */
public record ClientReply(ClientProxy client, ClientMessage reply) {
}
