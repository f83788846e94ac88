/**
 * Strategies: what a training round does (which clients, which instruction, how replies are folded into the new
 * model), apart from the loop that plays the rounds. Flower's {@code Strategy} contract in Java terms, and Flower's
 * built-in strategies under their Flower names ({@link io.fedlink.strategy.BuiltInStrategy}), with server-side
 * differential privacy as a wrapper around any of them.
 */
package io.fedlink.strategy;
