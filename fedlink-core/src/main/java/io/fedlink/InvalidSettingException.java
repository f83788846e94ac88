package io.fedlink;

/**
 * A setting has a value the runtime cannot work with. The message names the setting neutrally; {@link #setting()},
 * {@link #value()} and {@link #requirement()} let an integration name it its own way (the Spring Boot wiring turns
 * this into a start-up failure naming the property key).
 */
public class InvalidSettingException extends FedlinkException {

    private final Setting setting;
    private final transient Object value;
    private final String requirement;

    /**
     * @param requirement what a valid value is, as the end of a sentence: {@code "must be positive"}
     */
    public InvalidSettingException(Setting setting, Object value, String requirement) {
        super(setting.neutralName() + " " + requirement + ", was " + value);
        this.setting = setting;
        this.value = value;
        this.requirement = requirement;
    }

    /** Which setting is wrong. */
    public Setting setting() {
        return setting;
    }

    /** The value it had (may be {@code null}). */
    public Object value() {
        return value;
    }

    /** What a valid value is, such as {@code "must be positive"}. */
    public String requirement() {
        return requirement;
    }
}
