package io.gproxy.tests.mock;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a test hold a streaming response half-way, to prove that a client (or the gateway) delivers
 * events as they arrive instead of buffering the whole upstream response.
 *
 * <p>{@link #arm(int)} applies to the NEXT streaming response the mock starts (one-shot): it writes and
 * flushes that many events, signals {@link #awaitPaused}, then blocks until {@link #release()} (at most
 * 20 s, so a broken test cannot hang the suite) and writes the rest. Unarmed, streams go straight through.
 * {@link #finished()} refers to that gated stream.
 */
public final class StreamGate {
    private static final long MAX_PAUSE_SECONDS = 20;

    private boolean armed;
    private int eventsBeforePause;
    private volatile CountDownLatch paused = new CountDownLatch(1);
    private volatile CountDownLatch released = new CountDownLatch(1);
    private volatile boolean finished;

    /** Pause the next stream after {@code eventsBeforePause} events (0 = right after the response headers). */
    public synchronized void arm(int eventsBeforePause) {
        if (eventsBeforePause < 0) {
            throw new IllegalArgumentException("eventsBeforePause < 0");
        }
        this.armed = true;
        this.eventsBeforePause = eventsBeforePause;
        this.paused = new CountDownLatch(1);
        this.released = new CountDownLatch(1);
        this.finished = false;
    }

    /** Let the paused stream continue (harmless if nothing is paused yet: the stream will then not stop). */
    public void release() {
        released.countDown();
    }

    /** True once the gated stream has flushed its first events and is waiting for {@link #release()}. */
    public boolean awaitPaused(long timeout, TimeUnit unit) {
        try {
            return paused.await(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True once the last byte of the gated stream was written (terminating chunk included). */
    public boolean finished() {
        return finished;
    }

    /** Called by each streaming response when it starts: it takes the arming, if any. */
    synchronized Ticket claim() {
        if (!armed) {
            return Ticket.PASS_THROUGH;
        }
        armed = false;
        return new Ticket(this, eventsBeforePause, paused, released);
    }

    /** The per-stream view of the gate. */
    static final class Ticket {
        static final Ticket PASS_THROUGH = new Ticket(null, -1, null, null);

        private final StreamGate gate;
        private final int pauseAt;
        private final CountDownLatch paused;
        private final CountDownLatch released;

        private Ticket(StreamGate gate, int pauseAt, CountDownLatch paused, CountDownLatch released) {
            this.gate = gate;
            this.pauseAt = pauseAt;
            this.paused = paused;
            this.released = released;
        }

        /** Called after each event has been flushed; blocks when the armed count is reached. */
        void afterEvents(int written) {
            if (gate == null || written != pauseAt) {
                return;
            }
            paused.countDown();
            try {
                released.await(MAX_PAUSE_SECONDS, TimeUnit.SECONDS); // time out → continue anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // mock shutting down
            }
        }

        void finished() {
            if (gate != null) {
                gate.finished = true;
            }
        }
    }
}
