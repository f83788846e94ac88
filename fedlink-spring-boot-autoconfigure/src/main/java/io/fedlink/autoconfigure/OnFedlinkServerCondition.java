package io.fedlink.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when this application is a fedlink coordinator (see {@link FedlinkServerMode}). */
class OnFedlinkServerCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        if (FedlinkServerMode.isEnabled(context.getEnvironment())) {
            return ConditionOutcome.match("fedlink coordinator enabled (" + FedlinkServerMode.ENABLED_KEY
                    + " true or unset without " + FedlinkServerMode.CLIENT_ADDRESS_KEY + ")");
        }
        return ConditionOutcome.noMatch("fedlink coordinator disabled (" + FedlinkServerMode.ENABLED_KEY
                + "=false, or a client-only app with " + FedlinkServerMode.CLIENT_ADDRESS_KEY + ")");
    }
}
