package io.gproxy.protocol;

import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;

import java.util.List;

/**
 * A stream's chunks as a codec's stream decoder reads them, in either framing: SSE events, or the elements of a
 * Gemini JSON array (a stream without {@code alt=sse}) as data-only frames. For readers on the side of a relay
 * (usage metering, billing), so both framings are read one way.
 */
public final class StreamChunks {
    /** Bound on one JSON-array element (a Gemini chunk is far smaller). */
    private static final int MAX_ARRAY_ELEMENT_BYTES = 8 * 1024 * 1024;

    private final SseDecoder sse;
    private final JsonArrayElements elements;

    private StreamChunks(SseDecoder sse, JsonArrayElements elements) {
        this.sse = sse;
        this.elements = elements;
    }

    /** @param jsonArray the stream is a Gemini JSON array rather than SSE */
    public static StreamChunks of(boolean jsonArray) {
        return jsonArray ? new StreamChunks(null, new JsonArrayElements(MAX_ARRAY_ELEMENT_BYTES))
                : new StreamChunks(new SseDecoder(), null);
    }

    /** Whether the stream is SSE (a JSON array may be cut anywhere: nothing can be appended to it). */
    public boolean sse() {
        return sse != null;
    }

    /** The chunks these bytes completed. */
    public List<SseFrame> feed(byte[] bytes, int offset, int length) {
        return sse != null ? sse.feed(bytes, offset, length)
                : elements.feed(bytes, offset, length).stream().map(SseFrame::data).toList();
    }

    /** At the end of the stream: a last SSE event without its blank line (a JSON array has none to give). */
    public List<SseFrame> finish() {
        return sse != null ? sse.finish() : List.of();
    }
}
