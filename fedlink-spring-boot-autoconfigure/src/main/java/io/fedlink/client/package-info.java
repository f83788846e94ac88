/** Client side: {@link io.fedlink.client.ConnectionTemplate} opens a {@code Join} stream to a coordinator. */
package io.fedlink.client;
