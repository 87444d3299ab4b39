package io.gproxy.pipeline;

import io.gproxy.http.BodySink;
import io.gproxy.protocol.sse.SseFrame;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes converted frames in the client's framing: SSE for every protocol, except a Gemini client without
 * {@code alt=sse}, which reads one JSON array whose elements are the chunks.
 */
final class ClientStreamWriter {
    private static final byte[] OPEN = "[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = ",\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]".getBytes(StandardCharsets.US_ASCII);

    private final BodySink sink;
    private final boolean jsonArray;
    private int written;

    ClientStreamWriter(BodySink sink, boolean jsonArray) {
        this.sink = sink;
        this.jsonArray = jsonArray;
    }

    void write(List<SseFrame> frames) throws IOException {
        for (SseFrame f : frames) {
            if (jsonArray) {
                sink.write(written == 0 ? OPEN : SEPARATOR);
                sink.write(f.data().getBytes(StandardCharsets.UTF_8));
            } else {
                sink.write(f.encode());
            }
            written++;
        }
        if (!frames.isEmpty()) {
            sink.flush();
        }
    }

    void close() throws IOException {
        if (jsonArray) {
            if (written == 0) {
                sink.write(OPEN);
            }
            sink.write(CLOSE);
            sink.flush();
        }
    }
}
