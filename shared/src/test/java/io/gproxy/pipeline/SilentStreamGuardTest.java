package io.gproxy.pipeline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream that falls silent past its bound is closed and reads as broken; one that keeps talking is left alone. */
class SilentStreamGuardTest {
    @Test
    void aSilentStreamIsClosedAndReadsAsBroken() throws Exception {
        Upstream upstream = new Upstream(1); // one byte, then silence
        InputStream guarded = SilentStreamGuard.guard(upstream, Duration.ofMillis(200));
        assertEquals('x', guarded.read());
        long start = System.nanoTime();
        assertThrows(SilentStreamGuard.Silent.class, () -> guarded.read(new byte[16], 0, 16));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 150 && waited < 5_000, "given up after the bound: " + waited + " ms");
        assertTrue(upstream.closed.await(1, TimeUnit.SECONDS), "the upstream body was closed");
        assertThrows(SilentStreamGuard.Silent.class, guarded::read, "and stays broken");
    }

    @Test
    void aStreamThatKeepsTalkingOutlivesTheBound() throws Exception {
        Upstream upstream = new Upstream(Integer.MAX_VALUE);
        upstream.pauseMillis = 50; // a byte every 50 ms for 600 ms: never silent for 200 ms
        InputStream guarded = SilentStreamGuard.guard(upstream, Duration.ofMillis(200));
        for (int i = 0; i < 12; i++) {
            assertEquals('x', guarded.read());
        }
        guarded.close();
        assertTrue(upstream.closed.await(1, TimeUnit.SECONDS));
    }

    /** Sends {@code bytes} bytes (one per read, after a pause), then blocks until closed. */
    private static final class Upstream extends InputStream {
        final CountDownLatch closed = new CountDownLatch(1);
        volatile long pauseMillis;
        private int left;

        Upstream(int bytes) {
            this.left = bytes;
        }

        @Override
        public int read() throws IOException {
            try {
                if (left-- > 0) {
                    Thread.sleep(pauseMillis);
                    return 'x';
                }
                closed.await(); // silent until someone closes us
                return -1; // what the JDK body stream returns once closed
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
