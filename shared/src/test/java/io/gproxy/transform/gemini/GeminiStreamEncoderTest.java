package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.decodeStream;
import static io.gproxy.transform.gemini.GeminiTestSupport.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockStart;
import io.gproxy.transform.ir.StreamEvent.BlockStop;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.StreamEvent.End;
import io.gproxy.transform.ir.StreamEvent.Finish;
import io.gproxy.transform.ir.StreamEvent.ReasoningDelta;
import io.gproxy.transform.ir.StreamEvent.ReasoningSignature;
import io.gproxy.transform.ir.StreamEvent.Start;
import io.gproxy.transform.ir.StreamEvent.TextDelta;
import io.gproxy.transform.ir.StreamEvent.ToolArgumentsDelta;
import io.gproxy.transform.ir.StreamEvent.UsageUpdate;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

class GeminiStreamEncoderTest {
    private static final String ERROR =
            "{\"error\":{\"code\":502,\"status\":\"UNAVAILABLE\",\"message\":\"upstream request failed\"}}";
    private final GeminiCodec codec = new GeminiCodec();

    private static List<String> encode(StreamEncoder encoder, List<StreamEvent> events) {
        List<SseFrame> frames = new ArrayList<>();
        for (StreamEvent e : events) {
            frames.addAll(encoder.encode(e));
        }
        frames.addAll(encoder.finish());
        List<String> data = new ArrayList<>();
        for (SseFrame f : frames) {
            assertNull(f.event(), "Gemini frames carry no event name");
            data.add(f.data());
        }
        return data;
    }

    private static String chunk(String part) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + part + "]},\"index\":0}],"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp_9\"}";
    }

    @Test
    void textStreamSendsOneChunkPerDeltaAndUsageLast() {
        List<String> frames = encode(codec.newStreamEncoder(ctx()), List.of(
                new Start("resp_9", "gemini-2.5-flash", new Usage(10L, null, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hello"),
                new TextDelta(0, ""),
                new TextDelta(0, " world"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(null, 5L, null, null, null, null)),
                new End()));
        String prompt = ",\"usageMetadata\":{\"promptTokenCount\":10,\"totalTokenCount\":10}";
        assertEquals(List.of(
                chunk("{\"text\":\"Hello\"}").replace(",\"modelVersion\"", prompt + ",\"modelVersion\""),
                chunk("{\"text\":\" world\"}").replace(",\"modelVersion\"", prompt + ",\"modelVersion\""),
                "{\"candidates\":[{\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":5,\"totalTokenCount\":15},"
                        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp_9\"}"), frames);
    }

    @Test
    void reasoningTextAndBufferedToolCalls() {
        List<String> frames = encode(codec.newStreamEncoder(ctx()), List.of(
                new Start("resp_9", "gemini-2.5-flash", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Think"),
                new ReasoningSignature(0, "c2lnMA==", null),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "Calling."),
                new BlockStop(1),
                new BlockStart(2, BlockType.REASONING, null, null),
                new ReasoningSignature(2, "c2lnY2FsbA==", null),
                new BlockStop(2),
                new BlockStart(3, BlockType.TOOL_CALL, "toolu_1", "get_weather"),
                new ToolArgumentsDelta(3, "{\"city\":"),
                new ToolArgumentsDelta(3, "\"Paris\"}"),
                new BlockStop(3),
                new BlockStart(4, BlockType.TOOL_CALL, "toolu_2", "broken"),
                new ToolArgumentsDelta(4, "{\"a\":"),
                new BlockStop(4),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(20L, 12L, 4L, null, null, 7L)),
                new End()));
        assertEquals(List.of(
                chunk("{\"text\":\"Think\",\"thought\":true}"),
                chunk("{\"text\":\"\",\"thought\":true,\"thoughtSignature\":\"c2lnMA==\"}"),
                chunk("{\"text\":\"Calling.\"}"),
                chunk("{\"functionCall\":{\"id\":\"toolu_1\",\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}},"
                        + "\"thoughtSignature\":\"c2lnY2FsbA==\"}"),
                chunk("{\"functionCall\":{\"id\":\"toolu_2\",\"name\":\"broken\",\"args\":{}}}"),
                "{\"candidates\":[{\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":20,\"candidatesTokenCount\":5,\"totalTokenCount\":32,"
                        + "\"cachedContentTokenCount\":4,\"thoughtsTokenCount\":7},"
                        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp_9\"}"), frames);
    }

    @Test
    void trailingSignatureRidesOnTheLastChunk() {
        List<String> frames = encode(codec.newStreamEncoder(ctx()), List.of(
                new Start("resp_9", "gemini-2.5-flash", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hi"),
                new BlockStop(0),
                new BlockStart(1, BlockType.REASONING, null, null),
                new ReasoningSignature(1, "tail", null),
                new BlockStop(1),
                new Finish(FinishReason.LENGTH),
                new End()));
        assertEquals(List.of(chunk("{\"text\":\"Hi\"}"),
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\",\"thoughtSignature\":\"tail\"}]},"
                        + "\"finishReason\":\"MAX_TOKENS\",\"index\":0}],"
                        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"resp_9\"}"), frames);
    }

    @Test
    void errorsAndMissingEnd() {
        StreamEncoder failed = codec.newStreamEncoder(ctx());
        assertEquals(List.of(chunk("{\"text\":\"partial\"}"), ERROR), encode(failed, List.of(
                new Start("resp_9", "gemini-2.5-flash", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "partial"),
                new StreamEvent.Error("overloaded", "upstream said no"),
                new TextDelta(0, "ignored"))));
        assertEquals(List.of(), failed.finish());

        StreamEncoder cut = codec.newStreamEncoder(ctx());
        assertEquals(List.of(chunk("{\"text\":\"partial\"}"), ERROR), encode(cut, List.of(
                new Start("resp_9", "gemini-2.5-flash", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "partial"))));

        StreamEncoder ended = codec.newStreamEncoder(ctx());
        encode(ended, List.of(new Start(null, null, Usage.EMPTY), new Finish(FinishReason.STOP), new End()));
        assertEquals(List.of(), ended.finish());
        assertEquals(List.of(), ended.encode(new End()));
    }

    @Test
    void everyFrameIsOneCompleteSseEvent() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        encoder.encode(new Start("r", "m", Usage.EMPTY));
        encoder.encode(new BlockStart(0, BlockType.TEXT, null, null));
        SseFrame frame = encoder.encode(new TextDelta(0, "line one\nline two")).get(0);
        String wire = new String(frame.encode(), StandardCharsets.UTF_8);
        assertEquals("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"line one\\nline two\"}]},"
                + "\"index\":0}],\"modelVersion\":\"m\",\"responseId\":\"r\"}\n\n", wire);
    }

    @Test
    void nativeStreamsSurviveDecodeThenEncode() throws TransformException {
        for (String fixture : List.of("stream-text.sse", "stream-text-tool-call.sse", "stream-thinking.sse",
                "stream-max-tokens.sse")) {
            List<StreamEvent> events = decodeStream(codec.newStreamDecoder(ctx()), frames(fixture));
            StreamEncoder encoder = codec.newStreamEncoder(ctx());
            List<SseFrame> again = new ArrayList<>();
            for (StreamEvent e : events) {
                again.addAll(encoder.encode(e));
            }
            again.addAll(encoder.finish());
            // usage is re-chunked (Gemini repeats it per chunk; the encoder sends the final count last): compare the
            // events without usage updates, and the merged usage
            List<StreamEvent> decoded = decodeStream(codec.newStreamDecoder(ctx()), again);
            assertEquals(withoutUsage(events), withoutUsage(decoded), fixture);
            assertEquals(mergedUsage(events), mergedUsage(decoded), fixture);
        }
    }

    static List<StreamEvent> withoutUsage(List<StreamEvent> events) {
        return events.stream().filter(e -> !(e instanceof UsageUpdate))
                .map(e -> e instanceof Start s ? new Start(s.id(), s.model(), Usage.EMPTY) : e).toList();
    }

    static Usage mergedUsage(List<StreamEvent> events) {
        Usage usage = Usage.EMPTY;
        for (StreamEvent e : events) {
            if (e instanceof Start s) {
                usage = usage.merge(s.usage());
            } else if (e instanceof UsageUpdate u) {
                usage = usage.merge(u.usage());
            }
        }
        return usage;
    }
}
