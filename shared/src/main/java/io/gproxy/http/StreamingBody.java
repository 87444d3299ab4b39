package io.gproxy.http;

import java.io.IOException;

/**
 * A response body produced while it is sent. {@link #writeTo} runs on the transport's thread after the status and
 * headers went out; a failure inside it can no longer change the status, so it must write a protocol-shaped error
 * frame itself before returning.
 */
@FunctionalInterface
public interface StreamingBody {
    void writeTo(BodySink sink) throws IOException;
}
