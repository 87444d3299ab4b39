package io.gproxy.pipeline;

import io.gproxy.http.BodySink;

import java.io.IOException;

/** The client's response body as captured: the first 64 KiB of what was written, streams included. */
public final class CapturedBody {
    private final BoundedBuffer buffer = new BoundedBuffer();

    public void add(byte[] body) {
        buffer.add(body, 0, body.length);
    }

    /** A sink that writes through to {@code sink} and keeps a bounded copy. */
    public BodySink tee(BodySink sink) {
        return new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                sink.write(bytes, offset, length);
                buffer.add(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                sink.flush();
            }
        };
    }

    public String text() {
        return buffer.text();
    }
}
