package io.fedlink.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}, passing client-to-server bytes at most at
 * {@code bytesPerSecond} (server-to-client bytes unthrottled): a slow uplink, so that a client can be killed while it
 * is still uploading a large message. When either side closes or fails, it closes both, as the operating system does
 * for a process that dies. Close it to stop accepting and drop every connection.
 */
final class ThrottlingProxy implements AutoCloseable {

    private static final int CHUNK = 16 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Integer> upstreamLocalPorts = new CopyOnWriteArrayList<>();

    ThrottlingProxy(int targetPort, long bytesPerSecond) {
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Client-to-server bytes forwarded so far, over every connection. */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    /** The local ports of the proxy's connections to the target, in order: the peers the target sees. */
    List<Integer> upstreamLocalPorts() {
        return List.copyOf(upstreamLocalPorts);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                upstreamLocalPorts.add(upstream.getLocalPort());
                sockets.add(client);
                sockets.add(upstream);
                pump("proxy-up", client, upstream, true);
                pump("proxy-down", upstream, client, false);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private void pump(String name, Socket from, Socket to, boolean throttled) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[CHUNK];
            long next = System.nanoTime(); // when the next chunk may go: an idle link earns no burst
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    if (throttled) {
                        upstreamBytes.addAndGet(n);
                        next = Math.max(next, System.nanoTime()) + n * 1_000_000_000L / bytesPerSecond;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side is gone: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
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
        sockets.forEach(ThrottlingProxy::closeQuietly);
    }
}
