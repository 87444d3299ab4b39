package io.gproxy.channel;

import java.io.IOException;

/**
 * Turns an upstream stream that is not plain SSE of the target protocol (AWS event-stream for Bedrock, the
 * Code-Assist envelope for Gemini CLI) into SSE frames of the channel's target protocol, so everything after the
 * channel (relay, transcoding, usage metering) sees ordinary SSE. Stateful: one per response. Returned arrays are
 * complete SSE frames (possibly several, possibly none).
 */
public interface UpstreamStreamDecoder {

    /** Content type of the decoded stream. */
    default String contentType() {
        return "text/event-stream";
    }

    byte[] onBytes(byte[] buf, int off, int len) throws IOException;

    /** The upstream ended: flush what is left, or fail if the stream was cut inside a message. */
    byte[] onEnd() throws IOException;
}
