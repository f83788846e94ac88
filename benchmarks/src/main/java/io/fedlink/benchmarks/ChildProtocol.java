package io.fedlink.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a child JVM talks to the driver: one fact per line on standard output ({@code PORT fedlink 41234},
 * {@code METRIC fedlink.rounds_per_s 1234.5}, {@code DONE}), diagnostics on standard error (a log file), and
 * standard input held open by the driver: when it closes, the driver is gone and the child exits.
 */
final class ChildProtocol {

    static final String PORT = "PORT";
    static final String METRIC = "METRIC";
    static final String INFO = "INFO";
    static final String READY = "READY";
    static final String DONE = "DONE";
    static final String FAILED = "FAILED";

    private ChildProtocol() {
    }

    static synchronized void say(String kind, String text) {
        System.out.println(kind + " " + text);
        System.out.flush();
    }

    static void metric(String key, double value) {
        say(METRIC, key + " " + String.format(Locale.ROOT, "%.6f", value));
    }

    /** Exits the JVM (status 3) as soon as standard input reaches end of file: the driver died or let go. */
    static void exitWhenDriverLetsGo() {
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            byte[] sink = new byte[256];
            try {
                while (in.read(sink) >= 0) {
                    // Nothing is sent on this pipe; reading only detects its end.
                }
            } catch (IOException e) {
                // The pipe broke: same meaning as end of file.
            }
            Runtime.getRuntime().halt(3);
        }, "driver-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** {@code key=value} arguments as a map; a bare word maps to "true". */
    static Map<String, String> arguments(String[] args, int from) {
        Map<String, String> parsed = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 0) {
                parsed.put(args[i], "true");
            } else {
                parsed.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
        }
        return parsed;
    }

    static String required(Map<String, String> args, String key) {
        String value = args.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return value;
    }
}
