package io.gproxy.transform;

import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An upstream that never ends its event ends the client's stream with its error frame, not with unbounded memory. */
class StreamTranscoderBoundTest {
    @Test
    void anEndlessUpstreamEventBecomesTheClientsErrorFrame() {
        CodecRegistry codecs = CodecRegistry.builtIn();
        TransformContext ctx = TransformContext.now();
        StreamTranscoder t = new StreamTranscoder(
                codecs.find(OperationKind.OPEN_AI_CHAT_COMPLETIONS).orElseThrow().newStreamDecoder(ctx),
                codecs.find(OperationKind.CLAUDE_MESSAGES).orElseThrow().newStreamEncoder(ctx));
        List<SseFrame> out = new ArrayList<>(feed(t, bytes("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n")));
        byte[] garbage = new byte[1024 * 1024];
        java.util.Arrays.fill(garbage, (byte) 'x');
        out.addAll(feed(t, bytes("data: ")));
        long fed = 0;
        while (!t.failed() && fed <= SseDecoder.DEFAULT_MAX_EVENT_BYTES) {
            out.addAll(t.onChunk(garbage, 0, garbage.length));
            fed += garbage.length;
        }
        assertTrue(t.failed(), "the transcoder gave up past the bound");
        assertTrue(t.onChunk(garbage, 0, garbage.length).isEmpty(), "and reads nothing more");
        out.addAll(t.onEnd());
        List<String> events = out.stream().map(f -> f.event() == null ? "data" : f.event()).toList();
        assertEquals(1, events.stream().filter("error"::equals).count(), "one error frame: " + events);
        assertTrue(out.stream().anyMatch(f -> f.data().contains("Hi")), "what came before was relayed");
    }

    private static List<SseFrame> feed(StreamTranscoder t, byte[] b) {
        return t.onChunk(b, 0, b.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
