package io.fedlink.server;

/** The proxy fedlink creates when the application declares no {@link ClientProxyFactory} of its own. */
public class DefaultClientProxy extends ClientProxy {

    public DefaultClientProxy(ClientStream stream) {
        super(stream);
    }
}
