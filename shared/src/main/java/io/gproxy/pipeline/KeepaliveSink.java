package io.gproxy.pipeline;

import io.gproxy.http.BodySink;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a quiet stream alive: when nothing was flushed for the interval (a thinking model, a slow first token),
 * writes a keepalive that every client ignores (an SSE comment, or JSON whitespace in a Gemini array), so idle
 * timeouts in front of the function (CloudFront's origin read timeout) do not cut the stream. It is only written at
 * an event boundary, never inside an event.
 */
final class KeepaliveSink implements BodySink, AutoCloseable {
    static final byte[] SSE_COMMENT = ": keepalive\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] JSON_WHITESPACE = "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gproxy-keepalive");
        t.setDaemon(true);
        return t;
    });

    private final BodySink inner;
    private final byte[] keepalive;
    private final long intervalNanos;
    private final boolean rawSse;
    private final ScheduledFuture<?> task;
    private long lastFlushNanos = System.nanoTime();
    private int tail = ('\n' << 8) | '\n'; // the last four bytes written, the newest lowest: the start is a boundary
    private boolean broken;

    /**
     * @param rawSse the caller writes arbitrary upstream chunks of SSE: keepalives wait until the bytes written so
     *               far end with a blank line. Otherwise every write is whole events (or JSON-array elements).
     * @param intervalMillis silence before a keepalive; 0 or less: never
     */
    KeepaliveSink(BodySink inner, byte[] keepalive, long intervalMillis, boolean rawSse) {
        this.inner = inner;
        this.keepalive = keepalive;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.rawSse = rawSse;
        long period = Math.max(10, intervalMillis / 2);
        this.task = intervalMillis > 0 ? TIMER.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS) : null;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        inner.write(bytes, offset, length);
        for (int i = Math.max(offset, offset + length - 4); i < offset + length; i++) {
            tail = (tail << 8) | (bytes[i] & 0xff);
        }
    }

    /** Whether the bytes written so far end an SSE event: a blank line, whatever the line ends (LF, CRLF, CR). */
    private boolean atEventBoundary() {
        return (tail & 0xffff) == 0x0a0a || tail == 0x0d0a0d0a || (tail & 0xffff) == 0x0d0d;
    }

    @Override
    public synchronized void flush() throws IOException {
        inner.flush();
        lastFlushNanos = System.nanoTime();
    }

    private synchronized void tick() {
        if (broken || System.nanoTime() - lastFlushNanos < intervalNanos || (rawSse && !atEventBoundary())) {
            return;
        }
        try {
            inner.write(keepalive, 0, keepalive.length);
            inner.flush();
            lastFlushNanos = System.nanoTime();
        } catch (IOException | RuntimeException clientGone) {
            broken = true; // the writer thread will see the failure on its next write
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
