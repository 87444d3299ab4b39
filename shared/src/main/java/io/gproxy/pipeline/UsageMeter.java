package io.gproxy.pipeline;

import io.gproxy.protocol.StreamChunks;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.Usage;

import java.util.List;

/**
 * What the upstream reported as usage, read from its own protocol (DESIGN §5: settlement bills the provider-native
 * numbers): a converted stream's IR events, or a passthrough stream's bytes decoded on the side. Metering never
 * disturbs the relay: anything it cannot read is ignored and the usage stays unknown.
 */
final class UsageMeter {
    private Usage usage = Usage.EMPTY;
    private StreamChunks sideChunks;
    private StreamDecoder sideDecoder;
    private boolean sideReading;    // a passthrough stream read on the side
    private boolean unreadable;     // it had bytes its codec could not read
    private boolean carriedError;   // it carried an error event of its own

    /**
     * A meter that also reads a passthrough stream's bytes with the upstream codec (null codec: no side reading):
     * SSE, or with {@code jsonArray} a Gemini stream without {@code alt=sse}, whose elements are the chunks the
     * codec's stream decoder reads from SSE data.
     */
    static UsageMeter forPassthroughStream(ProtocolCodec upstream, boolean jsonArray) {
        UsageMeter m = new UsageMeter();
        if (upstream != null) {
            m.sideChunks = StreamChunks.of(jsonArray);
            m.sideDecoder = upstream.newStreamDecoder(TransformContext.now());
            m.sideReading = true;
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
            for (SseFrame f : sideChunks.feed(buf, offset, length)) {
                sideDecode(f);
            }
        } catch (Exception e) {
            unreadable = true;
            sideDecoder = null; // stop reading; the relay itself is unaffected
        }
    }

    private void sideDecode(SseFrame f) throws Exception {
        for (StreamEvent e : sideDecoder.decode(f)) {
            observe(e);
            if (e instanceof StreamEvent.Error) {
                carriedError = true;
            }
        }
    }

    /**
     * Passthrough streams, once the upstream's bytes ended: whether the stream did not end as its protocol ends and
     * so needs the client's error frame ({@link StreamErrorFrames}) — it had bytes its codec could not read (garbage),
     * or stopped before its terminal event ({@code [DONE]}, {@code message_stop}, {@code response.completed}, a
     * {@code finishReason}: the codec's own {@code finish()} says so). A stream that carried an error event of its own
     * already told the client; one not read on the side (a Gemini JSON array) cannot tell. Call once, at the end.
     */
    boolean endedBroken() {
        if (!sideReading || carriedError || !sideChunks.sse()) {
            return false; // not read, already told, or a JSON array (cut anywhere: nothing can be appended to it)
        }
        if (unreadable) {
            return true;
        }
        try {
            for (SseFrame f : sideChunks.finish()) { // a last event without its blank line still counts
                sideDecode(f);
            }
            if (carriedError) {
                return false;
            }
            List<StreamEvent> end = sideDecoder.finish();
            end.forEach(this::observe);
            return end.stream().anyMatch(e -> e instanceof StreamEvent.Error);
        } catch (Exception e) {
            return true;
        } finally {
            sideDecoder = null;
        }
    }

    synchronized Usage usage() {
        return usage;
    }
}
