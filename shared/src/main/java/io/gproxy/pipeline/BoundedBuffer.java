package io.gproxy.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first {@link #LIMIT} bytes of a body for capture and counts the rest, so a long stream costs bounded
 * memory; {@link #text()} marks a cut body with the number of bytes left out.
 */
final class BoundedBuffer {
    static final int LIMIT = 64 * 1024;

    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private long total;

    synchronized void add(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        int room = (int) Math.max(0, LIMIT - head.size());
        head.write(b, off, Math.min(room, len));
        total += len;
    }

    static String text(byte[] body) {
        if (body == null) {
            return null;
        }
        BoundedBuffer b = new BoundedBuffer();
        b.add(body, 0, body.length);
        return b.text();
    }

    synchronized String text() {
        String s = head.toString(StandardCharsets.UTF_8);
        long left = total - head.size();
        return left > 0 ? s + "\n[... " + left + " more bytes not captured]" : s;
    }
}
