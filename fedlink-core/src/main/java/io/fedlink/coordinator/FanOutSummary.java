package io.fedlink.coordinator;

import io.fedlink.server.ClientFailure;
import io.fedlink.server.ClientProxy;
import java.time.Duration;
import java.util.List;

/**
 * What a streaming {@link FanOut#stream} returns: who answered (their replies went to the handler and are
 * not kept here) and who failed, in arrival order. {@code answered().size() + failures().size() == asked()}.
 *
 * @param asked    how many clients the instruction went to
 * @param answered clients whose reply the handler accepted
 * @param failures clients that timed out, disconnected, answered with a non-OK status, could not be asked,
 *                 or whose reply the handler rejected
 * @param elapsed  wall time of the whole fan-out
 */
public record FanOutSummary(int asked, List<ClientProxy> answered, List<ClientFailure> failures, Duration elapsed) {

    public FanOutSummary {
        answered = List.copyOf(answered);
        failures = List.copyOf(failures);
    }
}
