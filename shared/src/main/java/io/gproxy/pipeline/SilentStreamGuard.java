package io.gproxy.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An upstream stream that stays silent longer than its bound is given up: the JDK client's timeout ends at the
 * headers, so an upstream that stops sending mid-stream without closing would hold the request, its reservation and
 * (on Lambda) the invocation until the function timeout, which ends it without a settlement. The bound is
 * {@code GPROXY_UPSTREAM_TIMEOUT_MS}, the longest an upstream may make the gateway wait for anything.
 *
 * <p>A timer checks the silence now and then and closes the upstream body when it ran past the bound, which wakes a
 * blocked read; the reader then gets {@link Silent}, a broken upstream as the relay knows them (the client's error
 * frame, the usage booked as interrupted), never a clean end.
 */
final class SilentStreamGuard extends InputStream {
    /** The upstream sent nothing for longer than the bound. */
    static final class Silent extends IOException {
        Silent(long millis) {
            super("upstream stream silent for more than " + millis + " ms");
        }
    }

    private final InputStream in;
    private final long boundMillis;
    private final ScheduledFuture<?> check;
    private volatile long lastByteNanos = System.nanoTime();
    private volatile boolean expired;

    private SilentStreamGuard(InputStream in, long boundMillis) {
        this.in = in;
        this.boundMillis = boundMillis;
        long period = Math.max(10, Math.min(5_000, boundMillis / 8));
        this.check = PipelineTimer.INSTANCE.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** {@code in}, given up after {@code bound} without a byte. */
    static InputStream guard(InputStream in, Duration bound) {
        return new SilentStreamGuard(in, bound.toMillis());
    }

    private void check() {
        if (System.nanoTime() - lastByteNanos > TimeUnit.MILLISECONDS.toNanos(boundMillis)) {
            expired = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // already broken: the reader sees that
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (expired) {
            throw new Silent(boundMillis);
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            if (expired) {
                throw new Silent(boundMillis);
            }
            throw e;
        }
        if (n > 0) {
            lastByteNanos = System.nanoTime();
        } else if (n < 0) {
            if (expired) {
                throw new Silent(boundMillis); // closed by us: not the upstream's clean end
            }
            check.cancel(false);
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        in.close();
    }
}
