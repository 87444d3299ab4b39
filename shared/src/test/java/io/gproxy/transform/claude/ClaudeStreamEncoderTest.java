package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamEncoder;
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

import static io.gproxy.transform.claude.ClaudeTestSupport.assertJson;
import static io.gproxy.transform.claude.ClaudeTestSupport.ctx;
import static io.gproxy.transform.claude.ClaudeTestSupport.frames;
import static io.gproxy.transform.claude.ClaudeTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IR events to the exact Messages SSE frames a Claude client expects. */
class ClaudeStreamEncoderTest {
    private static final String ZERO_CACHE =
            "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0";
    private static final String ERROR =
            "error|{\"type\":\"error\",\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}";

    private final ClaudeCodec codec = new ClaudeCodec();

    private static List<String> encode(StreamEncoder encoder, StreamEvent... events) {
        List<String> out = new ArrayList<>();
        for (StreamEvent e : events) {
            encoder.encode(e).forEach(f -> out.add(ClaudeTestSupport.show(f)));
        }
        encoder.finish().forEach(f -> out.add(ClaudeTestSupport.show(f)));
        return out;
    }

    private static String messageStart(String id, String model, long input, long output) {
        return "message_start|{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + "," + ZERO_CACHE
                + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},"
                + "\"output_tokens\":" + output + "}}}";
    }

    private static String start(int index, String block) {
        return "content_block_start|{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":" + block + "}";
    }

    private static String delta(int index, String delta) {
        return "content_block_delta|{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}";
    }

    private static String stop(int index) {
        return "content_block_stop|{\"type\":\"content_block_stop\",\"index\":" + index + "}";
    }

    private static String messageDelta(String stopReason, String usage) {
        return "message_delta|{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                + "\",\"stop_sequence\":null},\"usage\":" + usage + "}";
    }

    private static final String MESSAGE_STOP = "message_stop|{\"type\":\"message_stop\"}";

    @Test
    void textStream() {
        assertEquals(List.of(
                messageStart("msg_1", "claude-x", 25, 0),
                start(0, "{\"type\":\"text\",\"text\":\"\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"Hel\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"lo\"}"),
                stop(0),
                messageDelta("end_turn", "{\"input_tokens\":25," + ZERO_CACHE + ",\"output_tokens\":15}"),
                MESSAGE_STOP), encode(codec.newStreamEncoder(ctx()),
                new Start("msg_1", "claude-x", new Usage(25L, null, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Hel"),
                new TextDelta(0, "lo"),
                new BlockStop(0),
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(null, 15L, null, null, null, null)),
                new End()));
    }

    @Test
    void textThenToolCallsFromAChatUpstream() {
        assertEquals(List.of(
                messageStart("chatcmpl-1", "gpt-4o", 10, 0),
                start(0, "{\"type\":\"text\",\"text\":\"\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"Let me look.\"}"),
                stop(0),
                start(1, "{\"type\":\"tool_use\",\"id\":\"toolu_call_A1\",\"name\":\"lookup\",\"input\":{}}"),
                delta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"q\\\":\"}"),
                delta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"x\\\"}\"}"),
                stop(1),
                start(2, "{\"type\":\"tool_use\",\"id\":\"toolu_call_B2\",\"name\":\"lookup\",\"input\":{}}"),
                delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}"),
                stop(2),
                messageDelta("tool_use", "{\"input_tokens\":6,\"cache_creation_input_tokens\":0,"
                        + "\"cache_read_input_tokens\":4,\"output_tokens\":30}"),
                MESSAGE_STOP), encode(codec.newStreamEncoder(ctx()),
                new Start("chatcmpl-1", "gpt-4o", Usage.EMPTY),
                new UsageUpdate(new Usage(10L, null, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, ""),
                new TextDelta(0, "Let me look."),
                new BlockStop(0),
                new BlockStart(1, BlockType.TOOL_CALL, "call_A1", "lookup"),
                new ToolArgumentsDelta(1, ""),
                new ToolArgumentsDelta(1, "{\"q\":"),
                new ToolArgumentsDelta(1, "\"x\"}"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TOOL_CALL, "call_B2", "lookup"),
                new ToolArgumentsDelta(2, "{}"),
                new BlockStop(2),
                // Gemini-style STOP after function calls: a Claude client needs tool_use to run them.
                new Finish(FinishReason.STOP),
                new UsageUpdate(new Usage(10L, 30L, 4L, null, null, null)),
                new End()));
    }

    @Test
    void thinkingWithSignatureRedactedThinkingThenTextAndEmptyBlocksVanish() {
        assertEquals(List.of(
                messageStart("msg_t", "claude-opus-4-6", 0, 0),
                start(0, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"),
                delta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Let me think.\"}"),
                delta(0, "{\"type\":\"signature_delta\",\"signature\":\"EqQBsig\"}"),
                stop(0),
                start(1, "{\"type\":\"redacted_thinking\",\"data\":\"EmwKredacted\"}"),
                stop(1),
                start(2, "{\"type\":\"text\",\"text\":\"\"}"),
                delta(2, "{\"type\":\"text_delta\",\"text\":\"Answer\"}"),
                stop(2),
                messageDelta("max_tokens", "{\"input_tokens\":0," + ZERO_CACHE + ",\"output_tokens\":0}"),
                MESSAGE_STOP), encode(codec.newStreamEncoder(ctx()),
                new Start("msg_t", "claude-opus-4-6", Usage.EMPTY),
                new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningDelta(0, "Let me think."),
                new ReasoningSignature(0, "EqQBsig", null),
                new BlockStop(0),
                new BlockStart(1, BlockType.REASONING, null, null),
                new ReasoningSignature(1, null, "EmwKredacted"),
                new BlockStop(1),
                new BlockStart(2, BlockType.TEXT, null, null),
                new BlockStop(2),
                new BlockStart(3, BlockType.TEXT, null, null),
                new TextDelta(3, "Answer"),
                new BlockStop(3),
                new Finish(FinishReason.LENGTH),
                new End()));
    }

    @Test
    void closesTheOpenBlockBeforeOpeningAnother() {
        List<String> frames = encode(codec.newStreamEncoder(ctx()),
                new Start("m", "x", Usage.EMPTY),
                new TextDelta(0, "a"),
                new BlockStart(1, BlockType.TOOL_CALL, "toolu_9", "f"),
                new BlockStop(1),
                new End());
        assertEquals(List.of(messageStart("m", "x", 0, 0),
                start(0, "{\"type\":\"text\",\"text\":\"\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"a\"}"),
                stop(0),
                start(1, "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"f\",\"input\":{}}"),
                stop(1),
                messageDelta("tool_use", "{\"input_tokens\":0," + ZERO_CACHE + ",\"output_tokens\":0}"),
                MESSAGE_STOP), frames);
    }

    @Test
    void midStreamErrorIsOneErrorFrameAndNothingAfter() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        assertEquals(List.of(
                messageStart("m", "x", 30, 0),
                start(0, "{\"type\":\"text\",\"text\":\"\"}"),
                delta(0, "{\"type\":\"text_delta\",\"text\":\"Partial\"}"),
                ERROR), encode(encoder,
                new Start("m", "x", new Usage(30L, null, null, null, null, null)),
                new BlockStart(0, BlockType.TEXT, null, null),
                new TextDelta(0, "Partial"),
                new StreamEvent.Error("overloaded_error", "Overloaded"),
                new TextDelta(0, "more"),
                new End()));
        assertTrue(encoder.finish().isEmpty());
    }

    @Test
    void streamWithoutEndOrErrorGetsTheErrorFrameOnce() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        assertEquals(List.of(messageStart("m", "x", 0, 0), start(0, "{\"type\":\"text\",\"text\":\"\"}"),
                        delta(0, "{\"type\":\"text_delta\",\"text\":\"cut\"}"), ERROR),
                encode(encoder, new Start("m", "x", Usage.EMPTY), new BlockStart(0, BlockType.TEXT, null, null),
                        new TextDelta(0, "cut")));
        assertTrue(encoder.finish().isEmpty());
        assertEquals(List.of(ERROR), encode(codec.newStreamEncoder(ctx())));
    }

    @Test
    void afterEndNothingMoreIsEmitted() {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        encoder.encode(new Start("m", "x", Usage.EMPTY));
        assertEquals(3, encoder.encode(new End()).size());
        assertTrue(encoder.encode(new TextDelta(0, "late")).isEmpty());
        assertTrue(encoder.encode(new End()).isEmpty());
        assertTrue(encoder.finish().isEmpty());
    }

    @Test
    void everyFrameIsNamedAfterItsPayloadType() throws Exception {
        StreamEncoder encoder = codec.newStreamEncoder(ctx());
        List<SseFrame> frames = new ArrayList<>();
        for (StreamEvent e : List.of(new Start(null, null, Usage.EMPTY), new BlockStart(0, BlockType.REASONING, null, null),
                new ReasoningSignature(0, "s", "e"), new TextDelta(1, "t"), new Finish(FinishReason.CONTENT_FILTER),
                new End())) {
            frames.addAll(encoder.encode(e));
        }
        for (SseFrame f : frames) {
            assertEquals(f.event(), parse(f.data()).get("type").asText());
        }
        assertEquals("msg_gproxy_" + Long.toString(ClaudeTestSupport.NOW, 36),
                parse(frames.get(0).data()).at("/message/id").asText());
        assertEquals("refusal", parse(frames.get(frames.size() - 2).data()).at("/delta/stop_reason").asText());
    }

    /** decode→encode of each native stream gives back its frames: same names, same payloads apart from usage. */
    @Test
    void decodeThenEncodeReproducesNativeStreams() throws Exception {
        for (String fixture : List.of("stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse",
                "stream-max-tokens.sse")) {
            List<SseFrame> nativeFrames = new ArrayList<>();
            for (SseFrame f : frames(fixture)) {
                ObjectNode data = parse(f.data());
                boolean emptyFragment = data.at("/delta/type").asText().equals("input_json_delta")
                        && data.at("/delta/partial_json").asText().isEmpty();
                if (!f.event().equals("ping") && !emptyFragment) {
                    nativeFrames.add(f);
                }
            }
            var decoder = codec.newStreamDecoder(ctx());
            StreamEncoder encoder = codec.newStreamEncoder(ctx());
            List<SseFrame> out = new ArrayList<>();
            Usage upstream = Usage.EMPTY;
            for (StreamEvent e : ClaudeTestSupport.decodeAll(decoder, frames(fixture))) {
                if (e instanceof Start s) {
                    upstream = upstream.merge(s.usage());
                } else if (e instanceof UsageUpdate u) {
                    upstream = upstream.merge(u.usage());
                }
                out.addAll(encoder.encode(e));
            }
            out.addAll(encoder.finish());
            assertEquals(nativeFrames.stream().map(SseFrame::event).toList(), out.stream().map(SseFrame::event).toList(),
                    fixture);
            for (int i = 0; i < out.size(); i++) {
                assertJson(withoutUsage(nativeFrames.get(i)), withoutUsage(out.get(i)));
            }
            JsonNode finalUsage = parse(out.get(out.size() - 2).data()).get("usage");
            assertEquals(upstream.outputTokens().longValue(), finalUsage.get("output_tokens").asLong(), fixture);
            assertEquals(Usage.nz(upstream.inputTokens()), finalUsage.get("input_tokens").asLong()
                    + finalUsage.get("cache_creation_input_tokens").asLong()
                    + finalUsage.get("cache_read_input_tokens").asLong(), fixture);
        }
    }

    private static ObjectNode withoutUsage(SseFrame f) {
        ObjectNode data = parse(f.data());
        data.remove("usage");
        if (data.get("message") instanceof ObjectNode m) {
            m.remove("usage");
        }
        return data;
    }
}
