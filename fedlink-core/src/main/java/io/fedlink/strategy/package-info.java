/**
 * Strategies: what a training round does (which clients, which instruction, how replies are folded into the new
 * model), apart from the loop that plays the rounds. Flower's {@code Strategy} contract in Java terms.
 */
package io.fedlink.strategy;
