package io.fedlink.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay that behaves like a long or narrow link between a client and a coordinator: it holds every chunk it
 * forwards for a fixed delay, each way (as Toxiproxy's latency toxic does; for kernels without {@code netem}), and can
 * pass client-to-server bytes at most at a given rate (a slow uplink). Reading and writing are separate threads per
 * direction, so a delay adds latency without limiting throughput; at most 2 MiB is held per direction, as a link holds
 * what is in flight. When either side closes or fails, it closes both, as the operating system does for a process that
 * dies. Close the relay to stop accepting and drop every connection.
 *
 * <pre>{@code
 * try (LinkRelay longLink = LinkRelay.delaying("127.0.0.1", coordinatorAddress, Duration.ofMillis(50))) {
 *     ... connect the client to longLink.address() ...
 * }
 * }</pre>
 */
public final class LinkRelay implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;
    /** At most 2 MiB held per direction: more than 50 ms of a 100 Mbit/s link, and no unbounded buffer. */
    private static final int HELD_CHUNKS = 32;
    private static final byte[] END = new byte[0];

    private record Chunk(byte[] bytes, long due) {
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final long upstreamBytesPerSecond;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Integer> upstreamLocalPorts = new CopyOnWriteArrayList<>();

    /**
     * @param listen                 where to listen (an ephemeral port on this address)
     * @param target                 where to forward
     * @param delay                  how long each chunk is held, in each direction (zero for none)
     * @param upstreamBytesPerSecond the most client-to-server bytes passed per second (0 for no limit)
     */
    public LinkRelay(String listen, InetSocketAddress target, Duration delay, long upstreamBytesPerSecond) {
        this.target = target;
        this.delayNanos = delay.toNanos();
        this.upstreamBytesPerSecond = upstreamBytesPerSecond;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getByName(listen));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("relay-accept", this::accept);
    }

    /** A long link: each chunk held {@code delay} each way, no rate limit. */
    public static LinkRelay delaying(String listen, InetSocketAddress target, Duration delay) {
        return new LinkRelay(listen, target, delay, 0);
    }

    /** A slow uplink: client-to-server bytes at most {@code bytesPerSecond}, no delay. */
    public static LinkRelay throttlingUpstream(String listen, InetSocketAddress target, long bytesPerSecond) {
        return new LinkRelay(listen, target, Duration.ZERO, bytesPerSecond);
    }

    /** The address a client connects to: {@code host:port}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Client-to-server bytes forwarded so far, over every connection. */
    public long upstreamBytes() {
        return upstreamBytes.get();
    }

    /** Server-to-client bytes forwarded so far, over every connection. */
    public long downstreamBytes() {
        return downstreamBytes.get();
    }

    /** The local ports of the relay's connections to the target, in order: the peers the target sees. */
    public List<Integer> upstreamLocalPorts() {
        return List.copyOf(upstreamLocalPorts);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                upstreamLocalPorts.add(upstream.getLocalPort());
                sockets.add(client);
                sockets.add(upstream);
                relay(client, upstream, upstreamBytes, upstreamBytesPerSecond);
                relay(upstream, client, downstreamBytes, 0);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    private void relay(Socket from, Socket to, AtomicLong counter, long bytesPerSecond) {
        BlockingQueue<Chunk> held = new LinkedBlockingQueue<>(HELD_CHUNKS);
        daemon("relay-read", () -> {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    held.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException | InterruptedException e) {
                // one side is gone
            } finally {
                if (!held.offer(new Chunk(END, System.nanoTime() + delayNanos))) {
                    closeQuietly(from); // the writer is stuck behind a full queue: end it by closing both sides
                    closeQuietly(to);
                }
            }
        });
        daemon("relay-write", () -> {
            long next = System.nanoTime(); // when the next chunk may go at the rate: an idle link earns no burst
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = held.take();
                    sleepUntil(chunk.due());
                    if (chunk.bytes() == END) {
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                    counter.addAndGet(chunk.bytes().length);
                    if (bytesPerSecond > 0) {
                        next = Math.max(next, System.nanoTime()) + chunk.bytes().length * 1_000_000_000L / bytesPerSecond;
                        sleepUntil(next);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side is gone
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(LinkRelay::closeQuietly);
    }
}
