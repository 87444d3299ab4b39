package io.gproxy.transform.claude;

import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
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
import java.util.Set;

import static io.gproxy.transform.claude.ClaudeTestSupport.ctx;
import static io.gproxy.transform.claude.ClaudeTestSupport.decodeAll;
import static io.gproxy.transform.claude.ClaudeTestSupport.frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real Messages SSE streams (and peer quirks) to the exact IR event sequence. */
class ClaudeStreamDecoderTest {
    private final ClaudeCodec codec = new ClaudeCodec();

    private List<StreamEvent> decode(String fixture) throws Exception {
        return decodeAll(codec.newStreamDecoder(ctx()), frames(fixture));
    }

    @Test
    void textStream() throws Exception {
        assertEquals(List.of(
                new Start("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "claude-sonnet-4-5-20250929",
                        new Usage(25L, 1L, 0L, 0L, 0L, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hello"),
                new TextDelta(0, "!"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(25L, 15L, 0L, 0L, 0L, null)),
                new End()), decode("stream-text.sse"));
    }

    @Test
    void textThenToolCallWithStreamedArguments() throws Exception {
        Usage input = new Usage(472L + 2048 + 512, 2L, 2048L, 128L, 384L, null);
        assertEquals(List.of(
                new Start("msg_014p7gG3wDgGV9EUtLvnow3U", "claude-sonnet-4-5-20250929", input),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Okay, let's check the weather."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"),
                new ToolArgumentsDelta(1, "{\"location\":"),
                new ToolArgumentsDelta(1, " \"San Francisco, CA\"}"),
                new BlockStop(1),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(472L + 2048 + 512, 89L, 2048L, 128L, 384L, null)),
                new End()), decode("stream-tool-use.sse"));
    }

    @Test
    void thinkingThenText() throws Exception {
        assertEquals(List.of(
                new Start("msg_01Thk9jS4sAQ8gXoqP5yQ8rL", "claude-opus-4-6", new Usage(46L, 3L, 0L, 0L, null, null)),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "27 * 453: 27*400 = 10800,"),
                new ReasoningDelta(0, " 27*53 = 1431, total 12231."),
                new ReasoningSignature(0, "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds", null),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "27 × 453 = 12,231"),
                new BlockStop(1),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(null, 152L, null, null, null, null)),
                new End()), decode("stream-thinking.sse"));
    }

    @Test
    void maxTokensStop() throws Exception {
        assertEquals(List.of(
                new Start("msg_01MaxTok3nsXyZ", "claude-haiku-4-5-20251001", new Usage(14L, 1L, 0L, 0L, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Once upon a time, in a land far"),
                new BlockStop(0),
                new Finish(FinishReason.LENGTH),
                new UsageUpdate(new Usage(null, 10L, null, null, null, null)),
                new End()), decode("stream-max-tokens.sse"));
    }

    @Test
    void errorEventEndsTheStream() throws Exception {
        assertEquals(List.of(
                new Start("msg_01ErrStr3amAbc", "claude-sonnet-4-5-20250929", new Usage(30L, 1L, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Partial"),
                new StreamEvent.Error("overloaded_error", "Overloaded")), decode("stream-error.sse"));
    }

    @Test
    void streamCutBeforeMessageStopIsIncompleteNotSuccess() throws Exception {
        assertEquals(List.of(
                new Start("msg_01CutStr3amAbc", "claude-sonnet-4-5-20250929", new Usage(30L, 1L, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "The answer is"),
                new StreamEvent.Error("incomplete_stream", "upstream stream ended before message_stop")),
                decode("stream-cut.sse"));
    }

    @Test
    void peerQuirksServerToolsDuplicateStartsMissingStopAndNoTrailingBlankLine() throws Exception {
        TransformContext ctx = ctx();
        List<StreamEvent> events = decodeAll(codec.newStreamDecoder(ctx), frames("stream-peer-quirks.sse"));
        assertEquals(List.of(
                new Start("msg_01PeerQuirks", "claude-sonnet-4-5-20250929", new Usage(2679L, 3L, 0L, 0L, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "It is sunny."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "toolu_01Dup", "save_note"),
                new ToolArgumentsDelta(1, "{\"text\":\"sunny\"}"),
                new BlockStop(1),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(null, 58L, null, null, null, null)),
                new End()), events);
        assertEquals(Set.of("server_tool_use", "web_search_tool_result"), ctx.loss().dropped());
    }

    @Test
    void upstreamIndexesAreNeverReused() throws Exception {
        // A peer that numbers every block 0 and sends a tool's whole input in content_block_start.
        List<SseFrame> frames = List.of(
                frame("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{}}}"),
                frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s1\"}}"),
                frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"Hi\"}}"),
                frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":1}}}"),
                frame("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}"),
                frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"enc\"}}"),
                frame("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"}}"),
                frame("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}"),
                frame("message_stop", "{\"type\":\"message_stop\"}"),
                frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":5,\"content_block\":{\"type\":\"text\",\"text\":\"late\"}}"));
        assertEquals(List.of(
                new Start("m", "x", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "hm"),
                new ReasoningSignature(0, "s1", null),
                new BlockStop(0),
                new BlockStart(1, BlockType.TEXT, null, null),
                new TextDelta(1, "Hi"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "toolu_1", "f"),
                new ToolArgumentsDelta(2, "{\"a\":1}"),
                new BlockStop(2),
                new BlockStart(3, BlockType.REASONING, null, null),
                new ReasoningSignature(3, null, "enc"),
                new BlockStop(3),
                new Finish(FinishReason.TOOL_CALLS),
                new UsageUpdate(new Usage(null, 9L, null, null, null, null)),
                new End()), decodeAll(codec.newStreamDecoder(ctx()), frames));
    }

    @Test
    void zeroInputInMessageDeltaDoesNotWipeTheStartCounts() throws Exception {
        List<StreamEvent> events = decodeAll(codec.newStreamDecoder(ctx()), List.of(
                frame("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{\"input_tokens\":40,\"cache_read_input_tokens\":60,\"output_tokens\":1}}}"),
                frame("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":12}}"),
                frame("message_stop", "{\"type\":\"message_stop\"}")));
        assertEquals(new UsageUpdate(new Usage(null, 12L, null, null, null, null)), events.get(2));
    }

    @Test
    void missingMessageStartUnnamedFramesPingsAndGarbageAreTolerated() throws Exception {
        StreamDecoder decoder = codec.newStreamDecoder(ctx());
        List<SseFrame> frames = List.of(
                SseFrame.data("{\"type\":\"ping\"}"),
                SseFrame.data("not json"),
                SseFrame.named("content_block_delta", "{\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"orphan\"}}"),
                SseFrame.data("{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"wrong type\"}}"),
                SseFrame.data("{\"type\":\"content_block_delta\",\"index\":9,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}"),
                SseFrame.data("{\"type\":\"message_stop\"}"));
        assertEquals(List.of(
                new Start(null, null, Usage.EMPTY),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "orphan"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new End()), decodeAll(decoder, frames));
        assertTrue(decoder.finish().isEmpty());
    }

    @Test
    void anEmptyOrImmediatelyFailedStreamStillStartsFirst() throws Exception {
        assertEquals(List.of(new Start(null, null, Usage.EMPTY),
                        new StreamEvent.Error("incomplete_stream", "upstream stream ended before message_stop")),
                decodeAll(codec.newStreamDecoder(ctx()), List.of()));
        assertEquals(List.of(new Start(null, null, Usage.EMPTY), new StreamEvent.Error("overloaded_error", "Overloaded")),
                decodeAll(codec.newStreamDecoder(ctx()), List.of(SseFrame.named("error",
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"))));
    }

    private static SseFrame frame(String event, String data) {
        return SseFrame.named(event, data);
    }
}
