package io.gproxy.transform.chat;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.decodeAll;
import static io.gproxy.transform.chat.ChatTestSupport.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatStreamDecodeTest {

    @Test
    void text() throws Exception {
        String id = "chatcmpl-BxTxT0p7Rc5Qf6KgZ3nM9LwYvA1bC";
        assertEquals(List.of(
                new Start(id, "gpt-4o-mini-2024-07-18", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hello"), new TextDelta(0, "! How"), new TextDelta(0, " can I help"),
                new TextDelta(0, " you today?"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(19L, 10L, 0L, null, null, 0L)),
                new End()), decodeAll(frames("stream_text.sse"), ctx()));
    }

    @Test
    void textThenTwoToolCallsWithStreamedArguments() throws Exception {
        assertEquals(List.of(
                new Start("chatcmpl-BPxToolStream9z8y7x6w5v4u3t", "gpt-4.1-2025-04-14", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Let me check"), new TextDelta(0, " both cities."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather"),
                new ToolArgumentsDelta(1, "{\"lo"), new ToolArgumentsDelta(1, "cation\":\""),
                new ToolArgumentsDelta(1, "Paris, France"), new ToolArgumentsDelta(1, "\"}"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "call_ABCDEFG1234567890abcdefg", "get_weather"),
                new ToolArgumentsDelta(2, "{\"location\":"), new ToolArgumentsDelta(2, "\"Bogotá, Colombia\"}"),
                new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(82L, 51L, 64L, null, null, 0L)),
                new End()), decodeAll(frames("stream_text_tool_calls.sse"), ctx()));
    }

    @Test
    void deepSeekReasoningContentThenText() throws Exception {
        assertEquals(List.of(
                new Start("5f3c2a1e-9b8d-4c7a-a6e5-0d1c2b3a4f5e", "deepseek-reasoner", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Okay, the user"), new ReasoningDelta(0, " says hi."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "Hi"), new TextDelta(1, " there!"),
                new BlockStop(1),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(10L, 30L, 0L, null, null, 22L)),
                new End()), decodeAll(frames("stream_reasoning_deepseek.sse"), ctx()));
    }

    @Test
    void openRouterReasoningDetailsWithSignatureThenText() throws Exception {
        TransformContext ctx = ctx();
        assertEquals(List.of(
                new Start("gen-1752000200-QwErTyUiOpAsDfGhJkLz", "anthropic/claude-sonnet-4.5", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Multiply 17 by 20"), new ReasoningDelta(0, ", then add 51."),
                new ReasoningSignature(0, "ErUBCkYIBRgCIkDsig==", null, OpaqueReasoning.ANTHROPIC),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "17 × 23 = 391."),
                new BlockStop(1),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(40L, 95L, 0L, null, null, 72L)),
                new End()), decodeAll(frames("stream_reasoning_openrouter.sse"), ctx));
        assertEquals(Set.of(), ctx.loss().dropped());
    }

    @Test
    void maxTokensStop() throws Exception {
        String id = "chatcmpl-CaLLenGtHsTrEaM0123456789ab";
        assertEquals(List.of(
                new Start(id, "gpt-4o-2024-08-06", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "The history of Rome"), new TextDelta(0, " begins with"),
                new BlockStop(0),
                new Finish(FinishReason.LENGTH),
                new UsageUpdate(new Usage(25L, 8L, 0L, null, null, 0L)),
                new End()), decodeAll(frames("stream_length.sse"), ctx()));
    }

    @Test
    void upstreamErrorFrameEndsTheStream() throws Exception {
        assertEquals(List.of(
                new Start("chatcmpl-ErRoRsTrEaMaBcDeFgHiJkLmNoP", "gpt-4o-2024-08-06", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Partial"),
                new StreamEvent.Error("server_error",
                        "The server had an error while processing your request. Sorry about that!")),
                decodeAll(frames("stream_error.sse"), ctx()));
    }

    @Test
    void streamCutBeforeDoneIsIncomplete() throws Exception {
        List<StreamEvent> events = decodeAll(frames("stream_cut.sse"), ctx());
        assertEquals(List.of(
                new Start("chatcmpl-CuTsTrEaMaBcDeFgHiJkLmNoPqR", "gpt-4o-2024-08-06", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Once upon"),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "call_cut", "lookup"),
                new ToolArgumentsDelta(1, "{\"q\":")), events.subList(0, events.size() - 1));
        StreamEvent.Error error = assertInstanceOf(StreamEvent.Error.class, events.get(events.size() - 1));
        assertEquals("incomplete_stream", error.type());
    }

    // ---- behaviours beyond the fixtures ----

    private static List<StreamEvent> decode(TransformContext ctx, String... data) throws TransformException {
        List<SseFrame> frames = new ArrayList<>();
        for (String d : data) {
            frames.add(SseFrame.data(d));
        }
        return decodeAll(frames, ctx);
    }

    private static String chunk(String choices) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":" + choices + "}";
    }

    private static String delta(String delta) {
        return chunk("[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]");
    }

    @Test
    void textAfterToolCallOpensANewBlockAndToolIndexesAreNotReused() throws Exception {
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null), new ReasoningDelta(0, "r"), new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "t0", "f"), new ToolArgumentsDelta(1, "{}"), new BlockStop(1),
                new BlockStart(2, BlockType.TEXT, null, null), new TextDelta(2, "after"), new BlockStop(2),
                new Finish(FinishReason.TOOL_CALLS), new End()),
                decode(ctx(),
                        delta("{\"role\":\"assistant\",\"content\":\"\"}"),
                        delta("{\"reasoning_content\":\"r\"}"),
                        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"t0\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}"),
                        delta("{\"content\":\"after\"}"),
                        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
                        "[DONE]"));
    }

    @Test
    void aNewIdAtAUsedIndexIsANewCallAndLateFragmentsOfClosedCallsAreDropped() throws Exception {
        TransformContext ctx = ctx();
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TOOL_CALL, "a", "f"), new ToolArgumentsDelta(0, "{\"x\":1}"), new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "b", "g"), new ToolArgumentsDelta(1, "{}"), new BlockStop(1),
                new Finish(FinishReason.TOOL_CALLS), new End()),
                decode(ctx,
                        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]}"),
                        delta("{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}"),
                        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\"}}]}"),
                        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]"),
                        "[DONE]"));
        assertEquals(Set.of(), ctx.loss().dropped());

        TransformContext ctx2 = ctx();
        List<StreamEvent> events = decode(ctx2,
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}"),
                "[DONE]");
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TOOL_CALL, "a", "f"), new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "b", "g"), new BlockStop(1),
                new Finish(FinishReason.TOOL_CALLS), new End()), events);
        assertEquals(Set.of("tool_calls[].arguments"), ctx2.loss().dropped());
    }

    @Test
    void onlyChoiceZeroIsFollowed() throws Exception {
        TransformContext ctx = ctx();
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null), new TextDelta(0, "zero"), new BlockStop(0),
                new Finish(FinishReason.STOP), new End()),
                decode(ctx,
                        chunk("[{\"index\":0,\"delta\":{\"content\":\"zero\"}},{\"index\":1,\"delta\":{\"content\":\"one\"}}]"),
                        chunk("[{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}]"),
                        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
                        "[DONE]"));
        assertEquals(Set.of("choices[1..]"), ctx.loss().dropped());
    }

    @Test
    void openRouterErrorChunkAndAzureFilterChunk() throws Exception {
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null), new TextDelta(0, "x"),
                new StreamEvent.Error("502", "Provider disconnected")),
                decode(ctx(),
                        "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],\"prompt_filter_results\":[]}",
                        delta("{\"content\":\"x\"}"),
                        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},"
                                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}",
                        delta("{\"content\":\"ignored\"}")));
    }

    @Test
    void doneWithoutFinishReasonAndFramesAfterDone() throws Exception {
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REFUSAL, null, null), new TextDelta(0, "no"), new BlockStop(0),
                new Finish(FinishReason.STOP), new End()),
                decode(ctx(), delta("{\"refusal\":\"no\"}"), "[DONE]", delta("{\"content\":\"late\"}")));
    }

    @Test
    void looseToolArgumentObjectsAndCapacityCutFinish() throws Exception {
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.TOOL_CALL, "call_0", "f"), new ToolArgumentsDelta(0, "{\"a\":1}"), new BlockStop(0),
                new Finish(FinishReason.ERROR), new End()),
                decode(ctx(),
                        delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]}"),
                        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"insufficient_system_resource\"}]"),
                        "[DONE]"));
    }

    @Test
    void doneBeforeAnyChunkIsIncomplete() throws Exception {
        List<StreamEvent> events = decode(ctx(), "[DONE]");
        assertEquals(1, events.size());
        assertEquals("incomplete_stream", ((StreamEvent.Error) events.get(0)).type());
    }

    @Test
    void garbageDataIsATransformError() {
        StreamDecoder decoder = CODEC.newStreamDecoder(ctx());
        assertThrows(TransformException.class, () -> decoder.decode(SseFrame.data("{not json")));
    }

    @Test
    void reasoningDetailIndexChangeStartsANewReasoningBlock() throws Exception {
        assertEquals(List.of(
                new Start("c", "m", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null), new ReasoningDelta(0, "a"),
                new ReasoningSignature(0, "s0", null), new BlockStop(0),
                new BlockStart(1, BlockType.REASONING, null, null), new ReasoningSignature(1, null, "enc"), new BlockStop(1),
                new BlockStart(2, BlockType.REASONING, null, null), new ReasoningDelta(2, "b", true), new BlockStop(2),
                new Finish(FinishReason.STOP), new End()),
                decode(ctx(),
                        delta("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"a\",\"index\":0}]}"),
                        delta("{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"signature\":\"s0\",\"index\":0}]}"),
                        delta("{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\",\"data\":\"enc\",\"index\":1}]}"),
                        delta("{\"reasoning_details\":[{\"type\":\"reasoning.summary\",\"summary\":\"b\",\"index\":2}]}"),
                        chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
                        "[DONE]"));
    }
}
