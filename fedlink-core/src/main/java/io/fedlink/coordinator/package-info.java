/**
 * Coordinator helpers for federated training: bounded fan-out of instructions to many clients
 * ({@link io.fedlink.coordinator.FanOut}), FedAvg aggregation on arrival ({@link io.fedlink.coordinator.FedAvg}),
 * the round loop ({@link io.fedlink.coordinator.FederatedTraining}) and its checkpoints.
 */
package io.fedlink.coordinator;
