package io.gproxy.pipeline;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A buffered upstream body is read whole up to its bound, and refused past it without reading on. */
class BoundedBodyTest {
    @Test
    void aBodyUpToTheBoundIsReadWhole() throws Exception {
        byte[] body = new byte[1000];
        assertArrayEquals(body, BoundedBody.readAtMost(new ByteArrayInputStream(body), 1000));
    }

    @Test
    void aBodyPastTheBoundIsRefused() {
        assertThrows(BoundedBody.TooLarge.class, () -> BoundedBody.readAtMost(new ByteArrayInputStream(new byte[1001]), 1000));
    }

    @Test
    void anEndlessBodyStopsAtTheGatewaysBoundAndIsClosed() {
        Endless endless = new Endless();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        assertThrows(BoundedBody.TooLarge.class, () -> BoundedBody.readAll(endless, deadline));
        assertTrue(endless.read <= BoundedBody.MAX_BYTES + 64 * 1024L, "read " + endless.read + " bytes, no more");
        assertEquals(true, endless.closed, "the upstream body was given up");
    }

    /** An upstream body that never ends (counts what was read). */
    private static final class Endless extends InputStream {
        long read;
        boolean closed;

        @Override
        public int read() {
            read++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            read += len;
            return len;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
