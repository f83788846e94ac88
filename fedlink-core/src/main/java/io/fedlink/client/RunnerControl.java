package io.fedlink.client;

import io.fedlink.client.ClientRunnerStatus.Phase;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ClientRunner#stop()} must reach, under one lock: the loop's thread, the connection it is on, whether a
 * client method is running, the phase. Every blocking step of the loop ends when {@code stop()} is called: the
 * connection is aborted (which ends a wait for the stream or for an instruction at once), a reconnect wait is woken,
 * a client method is interrupted. Nothing polls.
 */
final class RunnerControl {

    private final String target;
    // Guarded by this.
    private Thread loopThread;
    private Connection current;
    private boolean stopRequested;
    private boolean inHandler;
    private Phase phase = Phase.NEW;
    /** Written by the loop thread only: an interrupt it consumed that came from outside, to restore on exit. */
    private boolean interruptedFromOutside;

    RunnerControl(String target) {
        this.target = target;
    }

    /** Starts the loop on {@code thread} (or throws if the runner was used before). */
    synchronized void claim(String what, Thread thread) {
        if (phase != Phase.NEW) {
            throw new IllegalStateException("Cannot call " + what + " on the client runner for " + target
                    + ": it is " + phase.name().toLowerCase(Locale.ROOT) + "; a runner is single-use, create a new one");
        }
        loopThread = thread;
        phase = Phase.CONNECTING;
    }

    /**
     * Asks the loop to end: aborts the current stream, wakes a reconnect wait, interrupts a running client method.
     *
     * @return the loop's thread, or {@code null} if it is not running (a runner stopped before it ran is done)
     */
    synchronized Thread requestStop(Runnable whenNeverRan) {
        if (!stopRequested) {
            stopRequested = true;
            if (phase == Phase.NEW) {
                phase = Phase.STOPPED;
                whenNeverRan.run();
            }
            if (current != null) {
                current.abort("client runner stopped");
            }
            if (inHandler && loopThread != null) {
                loopThread.interrupt();
            }
            notifyAll();
        }
        return loopThread;
    }

    synchronized boolean stopping() {
        return stopRequested;
    }

    /** The loop's thread saw an interrupt that was not ours: it ends, and restores the interrupt on exit. */
    void interruptedFromOutside() {
        interruptedFromOutside = true;
        synchronized (this) {
            stopRequested = true;
        }
    }

    boolean wasInterruptedFromOutside() {
        return interruptedFromOutside;
    }

    synchronized Phase phase() {
        return phase;
    }

    /**
     * Opens a stream, unless stopping; holding the lock lets {@code stop()} see the new stream at once.
     *
     * @return the connection, or {@code null} if the runner is stopping
     */
    synchronized Connection open(ConnectionOperations connections) {
        if (stopRequested) {
            return null;
        }
        phase = Phase.CONNECTING;
        current = connections.connect(); // never blocks
        return current;
    }

    synchronized void established() {
        if (!stopRequested) {
            phase = Phase.CONNECTED;
        }
    }

    synchronized void left() {
        current = null;
    }

    /**
     * Arms the interrupt that {@code stop()} sends a running client method.
     *
     * @return {@code false} if the runner is stopping and the client must not be called
     */
    synchronized boolean enterHandler() {
        if (stopRequested) {
            return false;
        }
        inHandler = true;
        return true;
    }

    void exitHandler() {
        boolean stopped;
        synchronized (this) {
            inHandler = false;
            stopped = stopRequested;
        }
        if (stopped) {
            Thread.interrupted(); // the interrupt came from stop(); the loop ends on the flag instead
        }
    }

    /**
     * Waits {@code delay} unless stopped.
     *
     * @return {@code false} if the runner was stopped (or its thread interrupted) meanwhile
     */
    synchronized boolean pause(Duration delay) {
        long start = System.nanoTime();
        long nanos = saturatedNanos(delay); // a coordinator may ask for reconnect_ins{seconds: 2^63-1}
        if (stopRequested) {
            return false;
        }
        phase = Phase.WAITING_TO_RECONNECT;
        try {
            while (!stopRequested) {
                long left = nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return false;
        } catch (InterruptedException e) {
            interruptedFromOutside = true;
            stopRequested = true;
            return false;
        }
    }

    /** The loop has ended; {@code end} is its final phase. */
    synchronized void finished(Phase end) {
        loopThread = null;
        current = null;
        phase = end;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
