/** Micrometer meters for the coordinator: connected clients, instructions by type and outcome, bytes, rounds. */
package io.fedlink.metrics;
