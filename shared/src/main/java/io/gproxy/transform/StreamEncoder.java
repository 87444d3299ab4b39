package io.gproxy.transform;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.ir.StreamEvent;

import java.util.List;

/**
 * Turns IR stream events into the client's stream, keeping the protocol's invariants (spec/surface.md §5.3
 * "recommended"): lazy start, monotonic indexes, close-before-open, tool indexes of its own, merged usage, exactly
 * one terminator. Stateful: one instance per stream.
 */
public interface StreamEncoder {

    /** Frames for one IR event. */
    List<SseFrame> encode(StreamEvent event);

    /**
     * The IR stream is over. Emits whatever is still owed (the terminator after {@link StreamEvent.End}, or the
     * protocol-shaped error frame after {@link StreamEvent.Error}); never a second terminator.
     */
    List<SseFrame> finish();
}
