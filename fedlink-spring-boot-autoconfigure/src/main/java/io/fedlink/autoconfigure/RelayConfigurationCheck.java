package io.fedlink.autoconfigure;

import io.fedlink.client.ConnectionOperations;
import io.fedlink.client.FederatedClient;
import io.fedlink.relay.StrategyComposition;
import io.fedlink.server.ClientManager;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Refuses, at start-up, relay configurations that cannot be right, naming the key to change. A relay always answers
 * with the weighted mean of its clients' updates; the strategy is the root coordinator's. Run by a
 * {@code BeanFactoryPostProcessor} of {@link FedlinkRelayAutoConfiguration} once every bean is defined and before any
 * is created, so it speaks before anything else fails on the same setting.
 */
final class RelayConfigurationCheck {

    static final String STRATEGY_KEY = "fedlink.server.strategy.name";

    private RelayConfigurationCheck() {
    }

    /** Checks the relay's settings and the beans {@code beanFactory} defines. */
    static void check(Environment environment, ConfigurableListableBeanFactory beanFactory) {
        String[] applicationClients = beanFactory.getBeanNamesForType(FederatedClient.class, true, false);
        check(environment, beanFactory.getBeanNamesForType(ConnectionOperations.class, true, false).length > 0,
                beanFactory.getBeanNamesForType(ClientManager.class, true, false).length > 0,
                applicationClients.length == 0 ? null : applicationClients[0]);
    }

    private static void check(Environment environment, boolean upstream, boolean clientManager,
                              String applicationClient) {
        if (!upstream) {
            throw new InvalidConfigurationPropertyValueException(FedlinkServerMode.CLIENT_ADDRESS_KEY, null,
                    "a relay (fedlink.relay.enabled=true) joins the upstream coordinator at this address; set it, for"
                    + " example to static://root-coordinator:9090");
        }
        if (!clientManager) {
            throw new InvalidConfigurationPropertyValueException(FedlinkServerMode.ENABLED_KEY,
                    environment.getProperty(FedlinkServerMode.ENABLED_KEY), "a relay serves its own clients as a"
                    + " coordinator; remove fedlink.server.enabled=false or fedlink.relay.enabled=true");
        }
        if (applicationClient != null) {
            throw new InvalidConfigurationPropertyValueException("fedlink.relay.enabled", true, "the application also"
                    + " has a FederatedClient or NumPyClient bean (" + applicationClient + "), which would join the same upstream coordinator beside the relay; a relay's client side is the"
                    + " relay itself: run that client as an application of its own");
        }
        if (environment.getProperty("fedlink.server.training.auto-start", Boolean.class, false)) {
            throw new InvalidConfigurationPropertyValueException("fedlink.server.training.auto-start", true, "a relay"
                    + " does not train by itself: its upstream coordinator decides each round; remove it from the"
                    + " relay's configuration");
        }
        String strategy = environment.getProperty(STRATEGY_KEY);
        if (strategy != null && !strategy.isBlank()) {
            checkStrategy(strategy);
        }
    }

    /** A relay averages; any other strategy named in its own configuration is either misplaced or cannot compose. */
    private static void checkStrategy(String name) {
        StrategyComposition entry = StrategyComposition.of(name).orElse(null);
        if (entry == StrategyComposition.FED_AVG) {
            return;
        }
        if (entry == null) {
            throw new InvalidConfigurationPropertyValueException(STRATEGY_KEY, name, "a relay always answers with the"
                    + " weighted mean of its clients' updates (FedAvg's aggregate); choose the strategy at the root"
                    + " coordinator and remove it from the relay's configuration");
        }
        if (entry.exact()) {
            throw new InvalidConfigurationPropertyValueException(STRATEGY_KEY, name, "a relay always answers with the"
                    + " weighted mean of its clients' updates; " + entry.flowerName() + " composes through relays ("
                    + entry.why() + "), but it must run once, at the root coordinator: set it there and remove it from"
                    + " the relay's configuration");
        }
        throw new InvalidConfigurationPropertyValueException(STRATEGY_KEY, name, entry.flowerName() + " cannot run"
                + " through relays: " + entry.why() + "; a relay always answers with the weighted mean of its clients'"
                + " updates. Train with " + entry.flowerName() + " on a flat federation (clients joined to the root"
                + " directly), or use a weighted-mean strategy (FedAvg, FedAvgM, FedProx, FedAdam, FedYogi, FedAdagrad)");
    }
}
