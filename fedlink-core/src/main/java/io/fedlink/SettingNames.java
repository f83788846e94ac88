package io.fedlink;

/**
 * How messages name a {@link Setting}. The runtime's components take one (the default names settings the runtime's
 * way); an integration passes its own, such as the Spring Boot wiring's, which names property keys.
 */
@FunctionalInterface
public interface SettingNames {

    /** The name of {@code setting} in messages, such as {@code quorumTimeout} or {@code fedlink.server.quorum.timeout}. */
    String of(Setting setting);

    /** Names every setting by its {@link Setting#neutralName()}. */
    static SettingNames neutral() {
        return Setting::neutralName;
    }
}
