package io.fedlink.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Linux network namespace joined to this one by a veth pair with addresses of its own ({@code 10.201.N.1} on this
 * side, {@code 10.201.N.2} inside), so a client started in it reaches the coordinator only over that link, which a
 * test can shape ({@code tc tbf}) and cut ({@code ip link set ... down}). Created and removed by the test; needs root
 * (or CAP_NET_ADMIN). Where the machine refuses, {@link #create} skips the test and says why.
 */
final class NetworkNamespace implements AutoCloseable {

    private final String name;
    private final String hostLink;
    private final String innerLink;
    private final int subnet;

    private NetworkNamespace(String name, String hostLink, String innerLink, int subnet) {
        this.name = name;
        this.hostLink = hostLink;
        this.innerLink = innerLink;
        this.subnet = subnet;
    }

    /** Creates the namespace and its link, up and addressed; skips the calling test if namespaces are refused here. */
    static NetworkNamespace create() {
        String id = Long.toString(ProcessHandle.current().pid() % 100_000) + ThreadLocalRandom.current().nextInt(100);
        String name = "fedlink-" + id;
        Result added = run("ip", "netns", "add", name);
        Assumptions.assumeTrue(added.ok(), () -> "Network namespaces are refused on this machine (`ip netns add` said: "
                + added.output().strip() + "); the network-conditions tests need root or CAP_NET_ADMIN and are skipped");
        int subnet = freeSubnet();
        NetworkNamespace namespace = new NetworkNamespace(name, "flh" + id, "flc" + id, subnet);
        try {
            namespace.must("ip", "link", "add", namespace.hostLink, "type", "veth", "peer", "name", namespace.innerLink);
            namespace.must("ip", "link", "set", namespace.innerLink, "netns", name);
            namespace.must("ip", "addr", "add", namespace.hostAddress() + "/24", "dev", namespace.hostLink);
            namespace.must("ip", "link", "set", namespace.hostLink, "up");
            namespace.inside("ip", "addr", "add", namespace.innerAddress() + "/24", "dev", namespace.innerLink);
            namespace.inside("ip", "link", "set", namespace.innerLink, "up");
            namespace.inside("ip", "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    String name() {
        return name;
    }

    /** This side's address of the link: a server bound here is reachable from inside the namespace only. */
    String hostAddress() {
        return "10.201." + subnet + ".1";
    }

    String innerAddress() {
        return "10.201." + subnet + ".2";
    }

    /**
     * Shapes both directions of the link to {@code rate} with a token bucket ({@code tc qdisc ... tbf}), e.g.
     * {@code "100mbit"}.
     */
    void shape(String rate) {
        List<String> tbf = List.of("root", "tbf", "rate", rate, "burst", "256kb", "latency", "100ms");
        List<String> host = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", hostLink));
        host.addAll(tbf);
        must(host.toArray(String[]::new));
        List<String> inner = new ArrayList<>(List.of("tc", "qdisc", "add", "dev", innerLink));
        inner.addAll(tbf);
        inside(inner.toArray(String[]::new));
    }

    /** Cuts the link: nothing passes either way (as a pulled cable) until {@link #restore()}. */
    void cut() {
        must("ip", "link", "set", hostLink, "down");
    }

    void restore() {
        must("ip", "link", "set", hostLink, "up");
    }

    /** The command that runs the command line after it inside the namespace. */
    String[] exec() {
        return new String[] {"ip", "netns", "exec", name};
    }

    private void inside(String... command) {
        List<String> wrapped = new ArrayList<>(List.of(exec()));
        wrapped.addAll(List.of(command));
        must(wrapped.toArray(String[]::new));
    }

    private void must(String... command) {
        Result result = run(command);
        if (!result.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output().strip());
        }
    }

    /** Removes the namespace and with it both ends of the link. */
    @Override
    public void close() {
        run("ip", "netns", "del", name);
        run("ip", "link", "del", hostLink); // gone already when the namespace took its peer with it
    }

    /** A /24 in 10.201.0.0/16 that no interface on this machine uses yet. */
    private static int freeSubnet() {
        String addresses = run("ip", "-4", "-o", "addr", "show").output();
        for (int attempt = 0; attempt < 100; attempt++) {
            int subnet = 1 + ThreadLocalRandom.current().nextInt(250);
            if (!addresses.contains("10.201." + subnet + ".")) {
                return subnet;
            }
        }
        throw new IllegalStateException("no free /24 in 10.201.0.0/16");
    }

    private record Result(boolean ok, String output) {
    }

    private static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(false, String.join(" ", command) + " did not finish within 30 s");
            }
            return new Result(process.exitValue() == 0, output);
        } catch (IOException e) {
            return new Result(false, e.toString()); // no `ip` or `tc` on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted running " + String.join(" ", command), e));
        }
    }
}
