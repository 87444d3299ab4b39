package io.gproxy.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a whole upstream body by a deadline. The JDK client's request timeout stops once the status and headers are
 * in, so an upstream that sends them and then stalls in its body would hold the request, and its budget reservation,
 * for as long as it keeps the socket open. A body the gateway buffers (a non-stream answer, an error body, a stream
 * folded into one answer) must therefore be complete by the deadline the pipeline gives: the rest of the upstream
 * timeout ({@code GPROXY_UPSTREAM_TIMEOUT_MS}, counted from the send).
 *
 * <p>At the deadline a timer closes the stream, which wakes the blocked read (the JDK body stream throws "closed")
 * and gives the connection up: an HTTP/1.1 connection is closed, an HTTP/2 stream reset. The caller gets
 * {@link TimedOut}, a failed attempt that can still fail over, since nothing has reached the client. A body over
 * {@link #MAX_BYTES} is refused the same way ({@link TooLarge}) instead of being buffered.
 */
final class BoundedBody {
    /** The body did not arrive in full by its deadline. */
    static final class TimedOut extends IOException {
        TimedOut(Throwable cause) {
            super("the upstream body did not arrive in time", cause);
        }
    }

    /** The body was larger than the gateway buffers ({@link #MAX_BYTES}). */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("the upstream body is larger than " + MAX_BYTES + " bytes");
        }
    }

    /**
     * Bound on a body the gateway buffers: a generous multiple of any real answer (a Lambda buffered response holds
     * 6 MB; an image answer of several base64 images is tens of MB), so a runaway or hostile upstream cannot make a
     * container run out of memory.
     */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    private static final ScheduledThreadPoolExecutor TIMER = PipelineTimer.INSTANCE;

    private BoundedBody() {}

    /**
     * Every byte of {@code in}, then closes it.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the body must be complete
     * @throws TimedOut when it was not; other {@link IOException}s when the body broke
     */
    static byte[] readAll(InputStream in, long deadlineNanos) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            closeQuietly(in);
            throw new TimedOut(null);
        }
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> timer = TIMER.schedule(() -> {
            fired.set(true);
            closeQuietly(in);
        }, remaining, TimeUnit.NANOSECONDS);
        try (in) {
            byte[] body = readAtMost(in, MAX_BYTES);
            // a wrapper may take the closed stream for its end: only a timer that never ran leaves the body whole
            if (!timer.cancel(false)) {
                throw new TimedOut(null);
            }
            return body;
        } catch (IOException e) {
            timer.cancel(false);
            if (fired.get() && !(e instanceof TimedOut)) {
                throw new TimedOut(e);
            }
            throw e;
        }
    }

    /** Every byte of {@code in}, or {@link TooLarge} as soon as there are more than {@code max}. */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max);
        if (body.length == max && in.read() >= 0) {
            throw new TooLarge();
        }
        return body;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // already broken: the reader sees the failure
        }
    }
}
