/**
 * Relays for hierarchical aggregation: a {@link io.fedlink.relay.Relay} is a coordinator for its own clients and one
 * client of an upstream coordinator, answering each {@code fit_ins} with the weighted mean of its clients' updates
 * ({@link io.fedlink.relay.RelayClient}); {@link io.fedlink.relay.StrategyComposition} says which root strategies give
 * the same model through relays as without them, and {@link io.fedlink.relay.RelayReplyCheck} makes a root whose
 * strategy does not refuse its relays' replies.
 */
package io.fedlink.relay;
