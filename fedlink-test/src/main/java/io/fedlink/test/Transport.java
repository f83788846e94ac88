package io.fedlink.test;

/** The two transports a stream rule is tested over: {@code @EnumSource(Transport.class)}. */
public enum Transport {
    IN_PROCESS, TCP;

    /** A coordinator builder for this transport. */
    public TestCoordinatorBuilder coordinator() {
        return this == TCP ? TestCoordinator.tcp() : TestCoordinator.inProcess();
    }
}
