package io.gproxy.pipeline;

import io.gproxy.protocol.JsonArrayElements;
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
    /** Bound on one element of a JSON-array stream read on the side (a Gemini chunk is far smaller). */
    private static final int MAX_ARRAY_ELEMENT_BYTES = 8 * 1024 * 1024;

    private SseDecoder sideFrames;
    private JsonArrayElements sideElements; // instead of sideFrames for a Gemini JSON-array stream
    private StreamDecoder sideDecoder;

    /**
     * A meter that also reads a passthrough stream's bytes with the upstream codec (null codec: no side reading):
     * SSE, or with {@code jsonArray} a Gemini stream without {@code alt=sse}, whose elements are the chunks the
     * codec's stream decoder reads from SSE data.
     */
    static UsageMeter forPassthroughStream(ProtocolCodec upstream, boolean jsonArray) {
        UsageMeter m = new UsageMeter();
        if (upstream != null) {
            if (jsonArray) {
                m.sideElements = new JsonArrayElements(MAX_ARRAY_ELEMENT_BYTES);
            } else {
                m.sideFrames = new SseDecoder();
            }
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
            if (sideElements != null) {
                for (String element : sideElements.feed(buf, offset, length)) {
                    sideDecoder.decode(SseFrame.data(element)).forEach(this::observe);
                }
                return;
            }
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
