/** Micrometer meters for the coordinator: connected clients, instructions by type and outcome, message sizes, rounds. */
package io.fedlink.metrics;
