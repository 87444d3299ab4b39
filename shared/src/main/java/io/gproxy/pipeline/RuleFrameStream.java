package io.gproxy.pipeline;

import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.rules.ProviderRule;
import io.gproxy.rules.RuleEngine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An upstream SSE stream with response-phase {@code transform} rules applied to each frame's data (spec/core.md
 * §7.1; {@code [DONE]} untouched). Frames are re-encoded as they complete, so the relay still gets one event per read;
 * comments (keepalives) are dropped by the decoder, which the relay's own keepalives make up for. Only used when a
 * response rule matches, so streams without rules are relayed byte for byte.
 */
final class RuleFrameStream extends InputStream {
    private final InputStream upstream;
    private final List<ProviderRule> rules;
    private final SseDecoder decoder = new SseDecoder();
    private final byte[] buf = new byte[16 * 1024];
    private ByteArrayInputStream pending = new ByteArrayInputStream(new byte[0]);
    private boolean ended;

    RuleFrameStream(InputStream upstream, List<ProviderRule> rules) {
        this.upstream = upstream;
        this.rules = rules;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pending.available() == 0) {
            if (ended) {
                return -1;
            }
            int n = upstream.read(buf);
            List<SseFrame> frames;
            if (n < 0) {
                ended = true;
                frames = decoder.finish();
            } else {
                try {
                    frames = decoder.feed(buf, 0, n);
                } catch (SseDecoder.EventTooLargeException unbounded) {
                    throw new IOException(unbounded.getMessage()); // a broken upstream, as the relay knows them
                }
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (SseFrame f : frames) {
                out.write(new SseFrame(f.event(), RuleEngine.response(rules, f.data())).encode());
            }
            pending = new ByteArrayInputStream(out.toByteArray());
        }
        return pending.read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }
}
