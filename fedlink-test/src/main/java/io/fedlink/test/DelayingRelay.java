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
 * A TCP relay that holds every chunk it forwards for a fixed delay, each way, as Toxiproxy's latency toxic does: a
 * long link (this kernel has no {@code netem}). Reading and writing are separate threads per direction, so the delay
 * adds latency without limiting throughput; at most 2 MiB is held per direction, as a link holds what is in flight. When either side closes or fails, it closes both. Close it to stop
 * accepting and drop every connection.
 *
 * <pre>{@code
 * try (DelayingRelay longLink = new DelayingRelay("127.0.0.1", coordinatorAddress, Duration.ofMillis(50))) {
 *     ... connect the client to longLink.address() ...
 * }
 * }</pre>
 */
public final class DelayingRelay implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;
    /** At most 2 MiB held per direction: more than the delay times a 100 Mbit/s link, and no unbounded buffer. */
    private static final int HELD_CHUNKS = 32;
    private static final byte[] END = new byte[0];

    private record Chunk(byte[] bytes, long due) {
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /**
     * @param listen where to listen (an ephemeral port on this address)
     * @param target where to forward
     * @param delay  how long each chunk is held, in each direction
     */
    public DelayingRelay(String listen, InetSocketAddress target, Duration delay) {
        this.target = target;
        this.delayNanos = delay.toNanos();
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getByName(listen));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("relay-accept", this::accept);
    }

    /** The address a client connects to: {@code host:port}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Client-to-server bytes forwarded so far. */
    public long upstreamBytes() {
        return upstreamBytes.get();
    }

    /** Server-to-client bytes forwarded so far. */
    public long downstreamBytes() {
        return downstreamBytes.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                sockets.add(client);
                sockets.add(upstream);
                relay(client, upstream, upstreamBytes);
                relay(upstream, client, downstreamBytes);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    private void relay(Socket from, Socket to, AtomicLong counter) {
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
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = held.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (chunk.bytes() == END) {
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                    counter.addAndGet(chunk.bytes().length);
                }
            } catch (IOException | InterruptedException e) {
                // one side is gone
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
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
        sockets.forEach(DelayingRelay::closeQuietly);
    }
}
