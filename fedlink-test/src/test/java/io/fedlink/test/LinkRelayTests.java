package io.fedlink.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinkRelayTests {

    private static final Duration DELAY = Duration.ofMillis(50);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void aDelayingRelayPassesEveryByteUnchangedNoEarlierThanTheDelayEachWayAndAClosedSideClosesTheOther() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LinkRelay relay = LinkRelay.delaying("127.0.0.1",
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), DELAY)) {
            Thread server = new Thread(() -> {
                try (Socket accepted = echo.accept()) {
                    accepted.getInputStream().transferTo(accepted.getOutputStream());
                } catch (IOException e) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            String[] hostPort = relay.address().split(":");
            try (Socket client = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                client.setSoTimeout((int) BOUND.toMillis());
                byte[] payload = new byte[300_000];
                Arrays.fill(payload, (byte) 7);
                long sent = System.nanoTime();
                OutputStream out = client.getOutputStream();
                out.write(payload);
                out.flush();
                byte[] back = client.getInputStream().readNBytes(payload.length);
                Duration roundTrip = Duration.ofNanos(System.nanoTime() - sent);

                assertThat(back).isEqualTo(payload);
                assertThat(roundTrip).as("held on the way there and on the way back").isGreaterThanOrEqualTo(DELAY.multipliedBy(2));
                assertThat(relay.upstreamBytes()).isEqualTo(payload.length);
                await("every byte is counted on the way back").atMost(BOUND)
                        .until(() -> relay.downstreamBytes() == payload.length);

                client.shutdownOutput(); // the echo server sees the end, closes, and the relay closes our side
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aThrottlingRelayPassesClientBytesNoFasterThanItsRate() throws Exception {
        long rate = 4L * 1024 * 1024;
        try (ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LinkRelay relay = LinkRelay.throttlingUpstream("127.0.0.1",
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), sink.getLocalPort()), rate)) {
            Thread server = new Thread(() -> {
                try (Socket accepted = sink.accept()) {
                    accepted.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            String[] hostPort = relay.address().split(":");
            try (Socket client = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                long started = System.nanoTime();
                client.getOutputStream().write(new byte[(int) rate]);
                client.getOutputStream().flush();
                await("one second of the rate has passed through").atMost(BOUND)
                        .until(() -> relay.upstreamBytes() == rate);
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("4 MiB at 4 MiB/s (the first chunk goes at once)").isGreaterThan(Duration.ofMillis(900));
                assertThat(relay.upstreamLocalPorts()).hasSize(1);
            }
        }
    }
}
