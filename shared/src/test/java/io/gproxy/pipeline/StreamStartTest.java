package io.gproxy.pipeline;

import io.gproxy.channel.Disposition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class StreamStartTest {
    static InputStream of(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String rest(StreamStart.Outcome o) throws IOException {
        return new String(o.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aHealthyStartIsReplayedWhole() throws Exception {
        String sse = ": ping\n\nevent: message_start\ndata: {\"type\":\"message_start\"}\n\ndata: {\"x\":1}\n\n";
        StreamStart.Outcome o = StreamStart.inspect(of(sse), true, 1000);
        assertNull(o.failure());
        assertEquals(sse, rest(o));
    }

    @Test
    void errorFirstEventsFailOver() {
        StreamStart.Outcome overloaded = StreamStart.inspect(of("event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"), true, 1000);
        assertInstanceOf(Disposition.Transient.class, overloaded.failure());
        StreamStart.Outcome limited = StreamStart.inspect(of("data: {\"error\":{\"message\":\"slow down\",\"type\":"
                + "\"rate_limit_exceeded\",\"code\":429}}\n\n"), true, 1000);
        assertInstanceOf(Disposition.RateLimited.class, limited.failure());
        assertEquals(429, limited.status());
        StreamStart.Outcome gemini = StreamStart.inspect(of("[{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}]"),
                false, 1000);
        assertInstanceOf(Disposition.RateLimited.class, gemini.failure());
    }

    @Test
    void anEmptyOrBrokenStartFailsOver() {
        assertInstanceOf(Disposition.Transient.class, StreamStart.inspect(of(""), true, 1000).failure());
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertInstanceOf(Disposition.Transient.class, StreamStart.inspect(broken, true, 1000).failure());
    }

    @Test
    void aSlowFirstEventIsRelayedWithoutTheCheckAndNothingIsLost() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(out);
        StreamStart.Outcome o = StreamStart.inspect(in, true, 50);
        assertNull(o.failure(), "gave up waiting");
        Thread.ofVirtual().start(() -> {
            try {
                out.write("data: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8));
                out.write("data: {\"b\":2}\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            } catch (IOException ignored) {
            }
        });
        assertEquals("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n", rest(o));
    }
}
