package io.gproxy.pipeline;

import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.Usage;

/**
 * What the upstream reported as usage, read from its own protocol (DESIGN §5: settlement bills the provider-native
 * numbers): a converted stream's IR events, or a passthrough stream's bytes decoded on the side. Metering never
 * disturbs the relay: anything it cannot read is ignored and the usage stays unknown.
 */
final class UsageMeter {
    private Usage usage = Usage.EMPTY;
    private SseDecoder sideFrames;
    private StreamDecoder sideDecoder;

    /** A meter that also reads a passthrough stream's bytes with the upstream codec (null codec: no side reading). */
    static UsageMeter forPassthroughStream(ProtocolCodec upstream) {
        UsageMeter m = new UsageMeter();
        if (upstream != null) {
            m.sideFrames = new SseDecoder();
            m.sideDecoder = upstream.newStreamDecoder(TransformContext.now());
        }
        return m;
    }

    synchronized void observe(StreamEvent e) {
        if (e instanceof StreamEvent.Start s && s.usage() != null) {
            usage = usage.merge(s.usage());
        } else if (e instanceof StreamEvent.UsageUpdate u) {
            usage = usage.merge(u.usage());
        }
    }

    synchronized void set(Usage u) {
        if (u != null) {
            usage = usage.merge(u);
        }
    }

    /** Passthrough streams: the relayed bytes, read on the side. */
    void onBytes(byte[] buf, int offset, int length) {
        if (sideDecoder == null) {
            return;
        }
        try {
            for (SseFrame f : sideFrames.feed(buf, offset, length)) {
                sideDecoder.decode(f).forEach(this::observe);
            }
        } catch (Exception unreadable) {
            sideDecoder = null; // stop reading; the relay itself is unaffected
        }
    }

    synchronized Usage usage() {
        return usage;
    }
}
