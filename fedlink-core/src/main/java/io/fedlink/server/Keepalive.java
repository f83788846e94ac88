package io.fedlink.server;

import io.grpc.ServerBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 keepalive of a coordinator's server: how idle clients are probed (so a dead one is found) and which client
 * pings are tolerated (so a client that pings during long local training is not told {@code too_many_pings}).
 *
 * @param time               how long a connection may be idle before the coordinator pings the client; at least
 *                           {@link #MIN_TIME}, because grpc-java silently raises anything shorter to it
 * @param timeout            how long the coordinator waits for a ping's answer before it closes the connection
 * @param permitTime         shortest interval between client pings the coordinator tolerates; zero or more
 * @param permitWithoutCalls whether clients may ping while they have no call in progress
 */
public record Keepalive(Duration time, Duration timeout, Duration permitTime, boolean permitWithoutCalls) {

    /** grpc-java's floor for a server's keepalive time. */
    public static final Duration MIN_TIME = Duration.ofSeconds(10);

    public Keepalive {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(permitTime, "permitTime");
        if (time.compareTo(MIN_TIME) < 0) {
            throw new IllegalArgumentException("keepalive time must be at least " + MIN_TIME.toSeconds() + "s, was "
                    + time + ": grpc-java silently raises shorter server keepalive times to 10s, so a dead client would"
                    + " be found later than configured (detection takes time + timeout)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("keepalive timeout must be positive, was " + timeout);
        }
        if (permitTime.isNegative()) {
            throw new IllegalArgumentException("keepalive permit time must be zero or positive, was " + permitTime);
        }
    }

    /** What fedlink's auto-configuration applies unless told otherwise: ping after 60s idle, wait 20s, permit 10s. */
    public static Keepalive defaults() {
        return new Keepalive(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(10), true);
    }

    /**
     * Sets these values on a socket-based server builder (Netty). The in-process transport has no keepalive and
     * throws {@link UnsupportedOperationException}: do not call this for it.
     */
    public void applyTo(ServerBuilder<?> builder) {
        builder.keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(permitTime.toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(permitWithoutCalls);
    }
}
