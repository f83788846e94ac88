package io.fedlink.coordinator;

import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;

/**
 * Who runs a training now and whether it was asked to stop. {@link #requestStop()} interrupts the running thread,
 * except while a finished round's checkpoint is being saved ({@link #saveShielded}): an interrupt there would close
 * the file channel under the save, so the stop takes effect right after it instead.
 */
final class RunControl {

    /** A save that must not be cut by a stop. */
    @FunctionalInterface
    interface Save {
        void run();
    }

    private final Object lock = new Object();
    private Thread runner;
    private boolean stopRequested;
    private boolean saving;

    /**
     * Marks the calling thread as the one running.
     *
     * @throws IllegalStateException if another run is going on
     * @throws InterruptedException  if a stop was asked while no run was going on (a run started on another thread
     *                               and stopped before it got here); the stop is used up
     */
    void begin() throws InterruptedException {
        synchronized (lock) {
            if (runner != null) {
                throw new IllegalStateException("this FederatedTraining is already running");
            }
            if (stopRequested) {
                stopRequested = false;
                throw new InterruptedException("Training stopped before it started");
            }
            runner = Thread.currentThread();
        }
    }

    /** The run ended; wakes whoever waits for it in {@link #awaitEnd}. */
    void end() {
        synchronized (lock) {
            runner = null;
            stopRequested = false;
            lock.notifyAll();
        }
    }

    /** Asks the running thread to stop: interrupts it unless it is saving; with no run going on, the next one stops. */
    void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            if (runner != null && !saving) {
                runner.interrupt();
            }
        }
    }

    /** Waits up to {@code timeout} for the run to end; whether none is going on any more. */
    boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (runner != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return runner == null;
                }
            }
            return true;
        }
    }

    /**
     * Throws if a stop was asked or the thread was interrupted.
     *
     * @throws InterruptedException naming where the training stopped
     */
    void checkNotStopped(String where) throws InterruptedException {
        boolean stop;
        synchronized (lock) {
            stop = stopRequested;
        }
        if (stop || Thread.interrupted()) {
            throw new InterruptedException("Training stopped " + where);
        }
    }

    /**
     * Runs a save that no stop interrupts; an interrupt pending before it, or a stop asked during it, is restored
     * afterwards. A save that fails because the channel was closed by an interrupt anyway (one that did not come
     * through {@link #requestStop()}) ends as an {@link InterruptedException}.
     */
    void saveShielded(Save save, String what) throws InterruptedException {
        boolean interrupted;
        synchronized (lock) {
            saving = true;
            interrupted = Thread.interrupted();
        }
        try {
            save.run();
        } catch (CheckpointException e) {
            if (e.getCause() instanceof ClosedByInterruptException) {
                InterruptedException cut = new InterruptedException("Interrupted while saving " + what);
                cut.initCause(e);
                throw cut;
            }
            throw e;
        } finally {
            synchronized (lock) {
                saving = false;
                interrupted |= stopRequested;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
