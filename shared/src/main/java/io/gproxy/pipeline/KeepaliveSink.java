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
    private byte last1 = '\n';
    private byte last2 = '\n';
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
        if (length >= 2) {
            last2 = bytes[offset + length - 2];
            last1 = bytes[offset + length - 1];
        } else if (length == 1) {
            last2 = last1;
            last1 = bytes[offset];
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        inner.flush();
        lastFlushNanos = System.nanoTime();
    }

    private synchronized void tick() {
        if (broken || System.nanoTime() - lastFlushNanos < intervalNanos || (rawSse && !(last1 == '\n' && last2 == '\n'))) {
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
