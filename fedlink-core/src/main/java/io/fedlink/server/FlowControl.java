package io.fedlink.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much a coordinator holds in flight for its clients, in both directions.
 *
 * <p><b>Outbound.</b> Writing an instruction copies it into the transport's direct buffers, where it stays until the
 * network has taken it; a fan-out of a large model to many clients would hold one copy per client. At most
 * {@code sendBudget} bytes of instructions are queued for sending at once, across all streams; the others wait their
 * turn and are written as earlier ones leave (one instruction larger than the budget goes out alone). A client's reply
 * timeout starts when its instruction has gone out, so waiting for the shared uplink does not count against it.
 *
 * <p><b>Inbound.</b> A reply to {@code fit_ins} of at least {@link #LARGE_INSTRUCTION} bytes (it carries a model
 * update of about the same size) or to {@code get_parameters_ins} is received only while its stream holds one of
 * {@code largeRepliesAtOnce} permits; the other clients keep training, and a client that has finished waits in HTTP/2
 * flow control until a permit is free. Its reply timeout starts when it gets the permit. A permit is returned when the
 * reply has been handled (for a fan-out: folded into the aggregate), or when the call fails or the stream ends. Each
 * permit holds about one model on the coordinator's heap; more permits receive more uploads in parallel (useful when
 * each client's own link, not the coordinator's, is the bottleneck) at the cost of that memory.
 *
 * @param sendBudget         bytes of instructions queued for sending at once, across all streams (at least 1)
 * @param largeRepliesAtOnce large replies received at once, across all streams (at least 1)
 */
public record FlowControl(long sendBudget, int largeRepliesAtOnce) {

    /** Instructions from this size up are taken to bring back a reply of about their size (a model update). */
    public static final int LARGE_INSTRUCTION = 1024 * 1024;

    public FlowControl {
        if (sendBudget < 1) {
            throw new IllegalArgumentException("sendBudget must be at least 1 byte, was " + sendBudget);
        }
        if (largeRepliesAtOnce < 1) {
            throw new IllegalArgumentException("largeRepliesAtOnce must be at least 1, was " + largeRepliesAtOnce);
        }
    }

    /** Half of this JVM's direct memory limit for sending; one large reply received at a time. */
    public static FlowControl defaults() {
        return new FlowControl(defaultSendBudget(), 1);
    }

    /** Half of this JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}, by default the maximum heap size). */
    public static long defaultSendBudget() {
        return Math.max(1, maxDirectMemory() / 2);
    }

    private static long maxDirectMemory() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long configured = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            if (configured > 0) {
                return configured;
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot JVM: fall back to the JVM's own default below
        }
        return Runtime.getRuntime().maxMemory();
    }
}
