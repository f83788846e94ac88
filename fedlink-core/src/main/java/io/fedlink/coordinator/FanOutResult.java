package io.fedlink.coordinator;

import io.fedlink.server.ClientFailure;
import java.time.Duration;
import java.util.List;

/**
 * What a collecting {@link FanOut#call} returns: the replies and the failures, kept apart, in arrival order.
 * {@code replies().size() + failures().size() == asked()}.
 *
 * @param asked    how many clients the instruction went to
 * @param replies  successful replies
 * @param failures clients that timed out, disconnected, answered with a non-OK status or could not be asked
 * @param elapsed  wall time of the whole fan-out
 */
public record FanOutResult(int asked, List<ClientReply> replies, List<ClientFailure> failures, Duration elapsed) {

    public FanOutResult {
        replies = List.copyOf(replies);
        failures = List.copyOf(failures);
    }
}
