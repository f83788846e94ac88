package io.fedlink.testing;

/** The two transports every stream rule is tested over. */
public enum Transport {
    IN_PROCESS, TCP;

    public TestCoordinator.Builder coordinator() {
        return this == TCP ? TestCoordinator.tcp() : TestCoordinator.inProcess();
    }
}
