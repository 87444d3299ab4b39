package io.gproxy.http;

import java.io.IOException;

/**
 * Where a streamed response body goes: the local server's exchange, or the Lambda streaming runtime.
 * {@link #flush()} marks an event boundary: everything written so far must reach the client now.
 */
public interface BodySink {
    void write(byte[] bytes, int offset, int length) throws IOException;

    default void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    void flush() throws IOException;
}
