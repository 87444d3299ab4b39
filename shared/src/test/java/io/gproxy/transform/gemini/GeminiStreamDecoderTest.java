package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static io.gproxy.transform.gemini.GeminiTestSupport.decodeStream;
import static io.gproxy.transform.gemini.GeminiTestSupport.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
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

import java.util.List;

class GeminiStreamDecoderTest {
    private final GeminiCodec codec = new GeminiCodec();

    private List<StreamEvent> decode(String fixture) throws TransformException {
        return decodeStream(codec.newStreamDecoder(ctx()), frames(fixture));
    }

    private static Usage usage(Long in, Long out, Long reasoning) {
        return new Usage(in, out, null, null, null, reasoning);
    }

    @Test
    void text() throws TransformException {
        assertEquals(List.of(
                new Start("8E-_aNqUCt2e1MkPyKmH-AE", "gemini-2.5-flash", usage(9L, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "The sky"),
                new TextDelta(0, " is blue because of"),
                new UsageUpdate(usage(9L, 12L, null)),
                new TextDelta(0, " Rayleigh scattering."),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new End()), decode("stream-text.sse"));
    }

    @Test
    void textThenToolCallsEachAsOneCompleteBlock() throws TransformException {
        assertEquals(List.of(
                new Start("8E-_aNqUCt2e1MkPyKmH-AE", "gemini-2.5-flash", usage(52L, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Let me check the weather"),
                new TextDelta(0, " for you."),
                new UsageUpdate(usage(52L, 31L, null)),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "call_0", "get_weather"),
                new ToolArgumentsDelta(1, "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "fc_7", "get_time"),
                new ToolArgumentsDelta(2, "{}"),
                new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS),
                new End()), decode("stream-text-tool-call.sse"));
    }

    @Test
    void thinkingThenTextThenTrailingSignature() throws TransformException {
        assertEquals(List.of(
                new Start("tTCwacuEBMvnitYP06qsgQY", "gemini-3-pro-preview", usage(8L, null, null)),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "**Recalling the capital**\n\nThe question is about France."),
                new ReasoningDelta(0, " Its capital is Paris."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "Paris is the"),
                new TextDelta(1, " capital of France."),
                new UsageUpdate(usage(8L, 119L, 112L)),
                new BlockStop(1),
                new BlockStart(2, BlockType.REASONING, null, null),
                new ReasoningSignature(2, "EjQKMgFyyNp8k1vR2e8H0jX9s1c2Y3RhdGVfb2ZfbWluZA==", null, OpaqueReasoning.GOOGLE),
                new BlockStop(2),
                new Finish(FinishReason.STOP),
                new End()), decode("stream-thinking.sse"));
    }

    @Test
    void maxTokens() throws TransformException {
        List<StreamEvent> events = decode("stream-max-tokens.sse");
        assertEquals(new Finish(FinishReason.LENGTH), events.get(events.size() - 2));
        assertEquals(new End(), events.get(events.size() - 1));
    }

    @Test
    void errorFrameEndsTheStream() throws TransformException {
        assertEquals(List.of(
                new Start("8E-_aNqUCt2e1MkPyKmH-AE", "gemini-2.5-flash", usage(9L, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Here is the first"),
                new StreamEvent.Error("unavailable", "The model is overloaded. Please try again later.")),
                decode("stream-error.sse"));
    }

    @Test
    void streamCutBeforeAFinishReasonIsIncomplete() throws TransformException {
        List<StreamEvent> events = decode("stream-cut.sse");
        assertEquals(new TextDelta(0, " finishes"), events.get(3));
        assertEquals(5, events.size());
        assertEquals("incomplete_stream", ((StreamEvent.Error) events.get(4)).type());
        StreamDecoder empty = codec.newStreamDecoder(ctx());
        assertEquals(List.of(new Start(null, null, Usage.EMPTY),
                new StreamEvent.Error("incomplete_stream", "the Gemini stream ended before a finishReason")), empty.finish());
        assertEquals(List.of(), empty.finish());
        StreamDecoder failedFirst = codec.newStreamDecoder(ctx());
        assertEquals(List.of(new Start(null, null, Usage.EMPTY), new StreamEvent.Error("resource_exhausted", "quota")),
                failedFirst.decode(SseFrame.data("{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
        assertEquals(List.of(), failedFirst.decode(SseFrame.data("{\"candidates\":[]}")));
        assertEquals(List.of(), failedFirst.finish());
    }

    @Test
    void signaturesStayWithTheirParts() throws TransformException {
        StreamDecoder decoder = codec.newStreamDecoder(ctx());
        List<StreamEvent> events = decodeStream(decoder, List.of(
                SseFrame.data("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"plan\",\"thought\":true}]}}],\"responseId\":\"r\"}"),
                SseFrame.data("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\",\"thought\":true,\"thoughtSignature\":\"s1\"},"
                        + "{\"functionCall\":{\"name\":\"f\",\"args\":{\"x\":[1,2]}},\"thoughtSignature\":\"s2\"},"
                        + "{\"functionCall\":{\"name\":\"g\"}}]},\"finishReason\":\"STOP\"}]}"),
                SseFrame.data("{\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":2,\"totalTokenCount\":7}}")));
        assertEquals(List.of(
                new Start("r", null, Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "plan"),
                new ReasoningSignature(0, "s1", null, OpaqueReasoning.GOOGLE),
                new BlockStop(0),
                new BlockStart(1, BlockType.REASONING, null, null),
                new ReasoningSignature(1, "s2", null, OpaqueReasoning.GOOGLE),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "call_0", "f"),
                new ToolArgumentsDelta(2, "{\"x\":[1,2]}"),
                new BlockStop(2),
                new BlockStart(3, BlockType.TOOL_CALL, "call_1", "g"),
                new ToolArgumentsDelta(3, "{}"),
                new BlockStop(3),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(usage(5L, 2L, null)),
                new End()), events);
    }

    @Test
    void blockedPromptAndKeepalivesAndGarbage() throws TransformException {
        StreamDecoder decoder = codec.newStreamDecoder(ctx());
        assertEquals(List.of(), decoder.decode(SseFrame.data("")));
        assertEquals(List.of(new Start("b", "gemini-2.5-pro", usage(12L, null, null)), new Finish(FinishReason.CONTENT_FILTER)),
                decoder.decode(SseFrame.data("{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},"
                        + "\"usageMetadata\":{\"promptTokenCount\":12,\"totalTokenCount\":12},"
                        + "\"modelVersion\":\"gemini-2.5-pro\",\"responseId\":\"b\"}")));
        assertEquals(List.of(new End()), decoder.finish());
        assertThrows(TransformException.class, () -> codec.newStreamDecoder(ctx()).decode(SseFrame.data("{\"cand")));
    }
}
