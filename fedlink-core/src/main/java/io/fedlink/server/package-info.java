/**
 * Coordinator side: the {@code Join} service, one bridge per client stream, the client registry and
 * the {@link io.fedlink.server.ClientProxy} handles that send instructions and wait for replies.
 */
package io.fedlink.server;
