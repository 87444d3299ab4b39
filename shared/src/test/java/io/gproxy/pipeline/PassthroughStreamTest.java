package io.gproxy.pipeline;

import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.QueryString;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.CodecRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A passthrough stream ({@code ResponseRelay.relayStream}) goes out byte for byte when it ends as its protocol ends,
 * and with the client's error frame, at an event boundary, when the upstream garbles it, cuts it short (cleanly or
 * mid-event) or breaks: for each of the four protocols, over recorded streams (Gemini's with CRLF line ends), in
 * whole, tiny and odd chunkings.
 */
class PassthroughStreamTest {
    enum Protocol {
        CHAT(OperationKind.OPEN_AI_CHAT_COMPLETIONS, "chat/stream_text.sse", "chat/stream_cut.sse", "chat/stream_error.sse"),
        RESPONSES(OperationKind.OPEN_AI_RESPONSES, "pairs/chat_to_responses/stream_text.out.sse",
                "responses/stream_cut.sse", "responses/stream_error.sse"),
        CLAUDE(OperationKind.CLAUDE_MESSAGES, "claude/stream-text.sse", "claude/stream-cut.sse", "claude/stream-error.sse"),
        GEMINI(OperationKind.GEMINI_GENERATE_CONTENT, "gemini/stream-text.sse", "gemini/stream-cut.sse",
                "gemini/stream-error.sse");

        final OperationKind kind;
        final String clean;
        final String cut;
        final String error;

        Protocol(OperationKind kind, String clean, String cut, String error) {
            this.kind = kind;
            this.clean = clean;
            this.cut = cut;
            this.error = error;
        }

        String frame() {
            return new String(StreamErrorFrames.forClient(kind, true), StandardCharsets.UTF_8);
        }
    }

    private static final int[] CHUNKINGS = {Integer.MAX_VALUE, 1, 7, 100};

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamThatEndsWellIsRelayedByteForByte(Protocol p) throws Exception {
        String clean = fixture(p.clean);
        for (int chunk : CHUNKINGS) {
            assertEquals(clean, relay(p, clean, chunk, false), p + " in chunks of " + chunk);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamCutBeforeItsTerminalEventGetsTheErrorFrame(Protocol p) throws Exception {
        String cut = fixture(p.cut);
        for (int chunk : CHUNKINGS) {
            assertEquals(cut + p.frame(), relay(p, cut, chunk, false), p + " in chunks of " + chunk);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamCutInsideAnEventLosesThatEventAndGetsTheErrorFrame(Protocol p) throws Exception {
        String clean = fixture(p.clean);
        int secondEvent = boundaryAfter(clean, 1);
        int thirdEvent = boundaryAfter(clean, 2);
        String cut = clean.substring(0, (secondEvent + thirdEvent) / 2); // half of the second event
        for (int chunk : CHUNKINGS) {
            assertEquals(clean.substring(0, secondEvent) + p.frame(), relay(p, cut, chunk, false),
                    p + " in chunks of " + chunk);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void garbageGetsTheErrorFrameAfterIt(Protocol p) throws Exception {
        String clean = fixture(p.clean);
        String garbled = clean.substring(0, boundaryAfter(clean, 1)) + "data: {this is not json\n\n"
                + "\u0000garbage\r\n\r\n";
        for (int chunk : CHUNKINGS) {
            assertEquals(garbled + p.frame(), relay(p, garbled, chunk, false), p + " in chunks of " + chunk);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamThatCarriesItsOwnErrorGetsNoSecondOne(Protocol p) throws Exception {
        String error = fixture(p.error);
        assertEquals(error, relay(p, error, 7, false));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aBreakInsideAnEventPutsTheErrorFrameAtTheLastBoundary(Protocol p) throws Exception {
        String clean = fixture(p.clean);
        int secondEvent = boundaryAfter(clean, 1);
        String before = clean.substring(0, secondEvent + 10); // ten bytes into the second event, then a reset
        for (int chunk : CHUNKINGS) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThrows(StreamFailure.class, () -> response(p, before, chunk, true).stream().writeTo(sink(out)));
            assertEquals(clean.substring(0, secondEvent) + p.frame(), out.toString(StandardCharsets.UTF_8),
                    p + " in chunks of " + chunk);
        }
    }

    @Test
    void aChatStreamWhoseLastEventLacksItsBlankLineStillEndsWell() throws Exception {
        String clean = fixture(Protocol.CHAT.clean);
        String unterminated = clean.substring(0, clean.length() - 1); // "data: [DONE]\n" without the blank line
        assertEquals(unterminated, relay(Protocol.CHAT, unterminated, 5, false));
    }

    @Test
    void aChatStreamThatFinishedButOmitsDoneEndsWell() throws Exception {
        // some OpenAI-compatible servers stop after the finish_reason (and usage) chunk without data: [DONE]
        String clean = fixture(Protocol.CHAT.clean);
        String withoutDone = clean.substring(0, clean.lastIndexOf("data: [DONE]"));
        for (int chunk : CHUNKINGS) {
            assertEquals(withoutDone, relay(Protocol.CHAT, withoutDone, chunk, false), "in chunks of " + chunk);
        }
    }

    @Test
    void anEventLongerThanTheHoldBackBoundIsWrittenAsItComes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventAlignedWriter w = new EventAlignedWriter(sink(out));
        w.write(bytes("data: one\n\n"), 0, 11);
        byte[] huge = bytes("data: " + "x".repeat(EventAlignedWriter.MAX_HELD));
        w.write(huge, 0, huge.length);
        assertEquals(11 + huge.length, out.size(), "written without waiting for its end");
        w.writeFrame(bytes("event: error\ndata: {}\n\n"));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("x\n\nevent: error\ndata: {}\n\n"),
                "the unfinished event ended by a blank line before the frame");
    }

    @Test
    void boundariesAreFoundAcrossEveryLineEnding() throws IOException {
        for (String ending : new String[] {"\n", "\r\n", "\r"}) {
            String events = "data: a" + ending + ending + ": comment" + ending + ending + "data: b" + ending;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            EventAlignedWriter w = new EventAlignedWriter(sink(out));
            byte[] b = bytes(events);
            for (int i = 0; i < b.length; i++) {
                w.write(b, i, 1);
            }
            String expected = "data: a" + ending + ending + ": comment" + ending + ending;
            assertEquals(expected.replace("\r", "\\r").replace("\n", "\\n"),
                    out.toString(StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n"));
            w.finish();
            assertEquals(events, out.toString(StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String relay(Protocol p, String upstream, int chunk, boolean breakAtEnd) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response(p, upstream, chunk, breakAtEnd).stream().writeTo(sink(out));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static HttpResponse response(Protocol p, String upstream, int chunk, boolean breakAtEnd) {
        OperationKey key = new OperationKey(Operation.STREAM_GENERATE_CONTENT, p.kind);
        ClassifiedRequest req = new ClassifiedRequest(key, true, "m", null, "/", true);
        UpstreamCall call = new UpstreamCall(key, "/", QueryString.empty(), new byte[0], null, null,
                CodecRegistry.builtIn().find(p.kind).orElseThrow());
        UpstreamResponse response = new UpstreamResponse(200, Headers.of("content-type", "text/event-stream"),
                new Chunked(bytes(upstream), chunk, breakAtEnd));
        try {
            return ResponseRelay.success(req, call, response, 0, new RequestLog("r", "POST", "/"));
        } catch (GatewayError e) {
            throw new AssertionError(e);
        }
    }

    /** The offset just past the {@code n}-th blank line (LF or CRLF line ends). */
    private static int boundaryAfter(String s, int n) {
        String sep = s.contains("\r\n") ? "\r\n\r\n" : "\n\n";
        int at = 0;
        for (int i = 0; i < n; i++) {
            at = s.indexOf(sep, at) + sep.length();
        }
        return at;
    }

    private static String fixture(String path) throws IOException {
        try (InputStream in = PassthroughStreamTest.class.getResourceAsStream("/transform/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BodySink sink(ByteArrayOutputStream out) {
        return new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            public void flush() {
            }
        };
    }

    /** An upstream body that comes in chunks of at most {@code chunk} bytes, and may break instead of ending. */
    private static final class Chunked extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;
        private final boolean breakAtEnd;

        Chunked(byte[] body, int chunk, boolean breakAtEnd) {
            this.in = new ByteArrayInputStream(body);
            this.chunk = chunk;
            this.breakAtEnd = breakAtEnd;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, Math.min(len, chunk));
            if (n < 0 && breakAtEnd) {
                throw new IOException("connection reset");
            }
            return n;
        }
    }
}
