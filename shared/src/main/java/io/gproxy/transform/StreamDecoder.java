package io.gproxy.transform;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.ir.StreamEvent;

import java.util.List;

/**
 * Turns one upstream stream (its SSE frames, in order) into IR stream events. Stateful: one instance per stream.
 */
public interface StreamDecoder {

    /** Events for one upstream frame (often none or one, sometimes several). */
    List<StreamEvent> decode(SseFrame frame) throws TransformException;

    /**
     * The upstream stream ended (EOF). Returns what closes the stream: open blocks stopped and
     * {@link StreamEvent.End} when the protocol's terminal event was seen (Gemini has none: EOF after a finish
     * reason is complete); an {@link StreamEvent.Error} of type {@code incomplete_stream} when it was not.
     */
    List<StreamEvent> finish();
}
