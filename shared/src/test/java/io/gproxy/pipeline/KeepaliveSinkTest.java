package io.gproxy.pipeline;

import io.gproxy.http.BodySink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keepalives on a relayed SSE stream come only at event boundaries, whatever the upstream's line ends. */
class KeepaliveSinkTest {
    private static final String KEEPALIVE = new String(KeepaliveSink.SSE_COMMENT, StandardCharsets.US_ASCII);

    @Test
    void aQuietStreamGetsKeepalivesAfterEventsEndedByLfCrlfOrCr() throws Exception {
        for (String event : new String[] {"data: x\n\n", "data: x\r\n\r\n", "data: x\r\r"}) {
            String out = quietAfter(event, 1_000, true);
            assertTrue(out.startsWith(event + KEEPALIVE), "after " + event.replace("\r", "\\r").replace("\n", "\\n") + ": " + out);
        }
    }

    @Test
    void neverInsideAnEvent() throws Exception {
        for (String partial : new String[] {"data: x\n", "data: x\r\n", "data: x\r\n\r", "data: {\"a\":"}) {
            assertEquals(partial, quietAfter(partial, 200, false), "inside " + partial.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    /** What the client got after {@code written} and a quiet spell (waiting up to {@code millis} for a keepalive). */
    private static String quietAfter(String written, long millis, boolean expectKeepalive) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodySink sink = new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (out) {
                    out.write(bytes, offset, length);
                }
            }

            @Override
            public void flush() {
            }
        };
        try (KeepaliveSink k = new KeepaliveSink(sink, KeepaliveSink.SSE_COMMENT, 20, true)) {
            byte[] b = written.getBytes(StandardCharsets.UTF_8);
            k.write(b, 0, b.length);
            k.flush();
            long until = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < until) {
                synchronized (out) {
                    if (expectKeepalive && out.size() > b.length) {
                        break;
                    }
                }
                Thread.sleep(10);
            }
        }
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
