/**
 * The training loop ({@link io.fedlink.coordinator.FederatedTraining}: plays rounds as a
 * {@link io.fedlink.strategy.Strategy} decides), bounded fan-out of instructions to many clients
 * ({@link io.fedlink.coordinator.FanOut}), round records, history and checkpoints.
 */
package io.fedlink.coordinator;
