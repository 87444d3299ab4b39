package io.gproxy.channel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * An {@link InputStream} view of an upstream body passed through an {@link UpstreamStreamDecoder}: the pipeline
 * wraps the upstream body once ({@code new DecodedStream(body, decoder)}) and relays or transcodes it as SSE.
 * Reads block until the decoder produced at least one byte or the upstream ended; a decoding failure (corrupted
 * frame) surfaces as an {@link IOException}, which the relay turns into a protocol-shaped error frame.
 */
public final class DecodedStream extends InputStream {
    private final InputStream upstream;
    private final UpstreamStreamDecoder decoder;
    private final byte[] buf = new byte[16 * 1024];
    private byte[] pending = new byte[0];
    private int pos;
    private boolean ended;

    public DecodedStream(InputStream upstream, UpstreamStreamDecoder decoder) {
        this.upstream = upstream;
        this.decoder = decoder;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos >= pending.length) {
            if (ended) {
                return -1;
            }
            int n = upstream.read(buf, 0, buf.length);
            if (n < 0) {
                ended = true;
                pending = decoder.onEnd();
            } else {
                try {
                    pending = decoder.onBytes(buf, 0, n);
                } catch (io.gproxy.protocol.sse.SseDecoder.EventTooLargeException unbounded) {
                    throw new IOException(unbounded.getMessage()); // a broken upstream, as the relay knows them
                }
            }
            pos = 0;
        }
        int n = Math.min(len, pending.length - pos);
        System.arraycopy(pending, pos, b, off, n);
        pos += n;
        if (pos >= pending.length) {
            pending = new byte[0];
            pos = 0;
        }
        return n;
    }

    @Override
    public int available() {
        return pending.length - pos;
    }

    @Override
    public void close() throws IOException {
        pending = new byte[0];
        upstream.close();
    }

    /** Reads a whole decoded stream (tests, buffered callers). */
    public static byte[] decodeAll(byte[] upstreamBytes, UpstreamStreamDecoder decoder) throws IOException {
        byte[] a = decoder.onBytes(upstreamBytes, 0, upstreamBytes.length);
        byte[] b = decoder.onEnd();
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
