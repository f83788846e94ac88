/**
 * Client side: {@link io.fedlink.client.ConnectionTemplate} opens a {@code Join} stream to a coordinator, and
 * {@link io.fedlink.client.ClientRunner} keeps a {@link io.fedlink.client.FederatedClient} connected and answering.
 */
package io.fedlink.client;
