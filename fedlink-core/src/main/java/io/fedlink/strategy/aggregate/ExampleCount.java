package io.fedlink.strategy.aggregate;

import io.fedlink.server.ClientUpdateRejectedException;

/** The check every aggregator makes of a fit result's {@code num_examples} before it keeps the update. */
final class ExampleCount {

    private ExampleCount() {
    }

    /**
     * The round's example count with {@code numExamples} added.
     *
     * @throws ClientUpdateRejectedException if {@code numExamples} is not positive, or the sum overflows a long
     */
    static long add(String clientId, long total, long numExamples) {
        if (numExamples <= 0) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: num_examples is "
                    + numExamples + ", but updates are weighted by it, so it must be positive");
        }
        try {
            return Math.addExact(total, numExamples);
        } catch (ArithmeticException e) {
            throw new ClientUpdateRejectedException(clientId, "Update from client " + clientId + " rejected: its num_examples "
                    + numExamples + " added to the " + total + " examples of the round's other updates overflows a"
                    + " 64-bit count, which would flip the sign of the mean");
        }
    }
}
