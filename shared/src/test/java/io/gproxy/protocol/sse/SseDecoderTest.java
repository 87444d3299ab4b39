package io.gproxy.protocol.sse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SSE framing rules of spec/surface.md §5.1, including chunk boundaries anywhere in the byte stream. */
class SseDecoderTest {

    @Test
    void namedAndDataOnlyFrames() {
        List<SseFrame> frames = decodeWhole("event: message_start\ndata: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n");
        assertEquals(List.of(SseFrame.named("message_start", "{\"a\":1}"), SseFrame.data("{\"b\":2}"), SseFrame.data("[DONE]")),
                frames);
    }

    @Test
    void crlfAndCrLineEndsAreNormalised() {
        assertEquals(List.of(SseFrame.data("x"), SseFrame.data("y"), SseFrame.data("z")),
                decodeWhole("data: x\r\n\r\ndata: y\r\rdata: z\n\n"));
    }

    @Test
    void commentsIdsAndRetriesAreDroppedAndFramesWithoutDataIgnored() {
        assertEquals(List.of(SseFrame.named("e", "payload")),
                decodeWhole(": keep-alive\n\nid: 7\nretry: 100\n\nevent: e\nid: 8\ndata: payload\n\n"));
    }

    @Test
    void multipleDataLinesJoinWithNewlineAndOneLeadingSpaceIsRemoved() {
        assertEquals(List.of(SseFrame.data("line1\n  line2\nline3")), decodeWhole("data: line1\ndata:   line2\ndata:line3\n\n"));
    }

    @Test
    void trailingFrameWithoutBlankLineIsEmittedAtEnd() {
        SseDecoder d = new SseDecoder();
        assertEquals(List.of(), d.feed("data: {\"last\":true}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(SseFrame.data("{\"last\":true}")), d.finish());
    }

    @Test
    void anyChunkingGivesTheSameFramesEvenInsideMultiByteCharacters() {
        String stream = "event: delta\r\ndata: {\"text\":\"héllo wörld 你好 🎉\"}\r\n\r\n: ping\n\ndata: {\"n\":2}\n\n";
        List<SseFrame> expected = decodeWhole(stream);
        assertEquals(2, expected.size());
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            SseDecoder d = new SseDecoder();
            List<SseFrame> got = new ArrayList<>();
            int pos = 0;
            while (pos < bytes.length) {
                int len = 1 + random.nextInt(Math.min(7, bytes.length - pos));
                got.addAll(d.feed(bytes, pos, len));
                pos += len;
            }
            got.addAll(d.finish());
            assertEquals(expected, got, "round " + round);
        }
    }

    @Test
    void encodeThenDecodeRoundTrips() {
        SseFrame f = SseFrame.named("response.output_text.delta", "{\"delta\":\"a\\nb\"}\nsecond line");
        assertEquals(List.of(f), decodeWhole(new String(f.encode(), StandardCharsets.UTF_8)));
        assertEquals("event: x\ndata: 1\n\n", new String(SseFrame.named("x", "1").encode(), StandardCharsets.UTF_8));
        assertEquals("data: [DONE]\n\n", new String(SseFrame.data("[DONE]").encode(), StandardCharsets.UTF_8));
    }

    @Test
    void anEventOverTheBoundIsRefusedInsteadOfBuffered() {
        SseDecoder d = new SseDecoder(64);
        byte[] endless = "data: ".concat("x".repeat(100)).getBytes(StandardCharsets.UTF_8); // no line end, ever
        org.junit.jupiter.api.Assertions.assertThrows(SseDecoder.EventTooLargeException.class, () -> d.feed(endless));
        SseDecoder lines = new SseDecoder(64);
        byte[] manyLines = "data: 0123456789\n".repeat(10).getBytes(StandardCharsets.UTF_8); // one event, never ended
        org.junit.jupiter.api.Assertions.assertThrows(SseDecoder.EventTooLargeException.class, () -> lines.feed(manyLines));
    }

    @Test
    void theBoundIsPerEventAndCommentsDoNotCount() {
        SseDecoder d = new SseDecoder(64);
        String event = "data: " + "x".repeat(40) + "\n\n";
        String comments = ": keepalive\n".repeat(20);
        List<SseFrame> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.addAll(d.feed((comments + event).getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals(50, out.size());
    }

    private static List<SseFrame> decodeWhole(String s) {
        SseDecoder d = new SseDecoder();
        List<SseFrame> out = new ArrayList<>(d.feed(s.getBytes(StandardCharsets.UTF_8)));
        out.addAll(d.finish());
        return out;
    }
}
