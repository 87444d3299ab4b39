package io.gproxy.http;

import java.io.IOException;

/**
 * Thrown by a {@link StreamingBody} after it ended the client's stream with a protocol-shaped error frame because
 * the upstream failed mid-stream. The client already has everything it will get; transports that can also signal
 * the failure out of band (the Lambda runtime's error trailers) do so, others just close.
 */
public final class StreamFailure extends IOException {
    public StreamFailure(String message) {
        super(message, null);
    }
}
