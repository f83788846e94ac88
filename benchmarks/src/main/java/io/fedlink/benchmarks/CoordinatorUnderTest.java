package io.fedlink.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A coordinator listening on 127.0.0.1 that clients join over {@code flwr.proto.FlowerService/Join}:
 * fedlink's own ({@link FedlinkCoordinator}) or the hand-written baseline ({@link RawCoordinator}).
 */
interface CoordinatorUnderTest extends AutoCloseable {

    /** "fedlink" or "raw". */
    String name();

    /** The TCP port the server is bound to. */
    int port();

    /** Registrations so far and when they happened. */
    RegistrationClock registrations();

    /**
     * Blocks until {@code clients} are connected.
     *
     * @throws TimeoutException if they are not connected within {@code timeout}
     */
    void awaitConnected(int clients, Duration timeout) throws InterruptedException, TimeoutException;

    /** The connected clients now, in no particular order. */
    List<Peer> peers();

    /** Stops the server, cancelling every stream, and waits a bounded time for it to terminate. */
    @Override
    void close();
}
