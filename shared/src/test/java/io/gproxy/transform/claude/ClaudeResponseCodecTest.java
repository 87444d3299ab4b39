package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.gproxy.transform.claude.ClaudeTestSupport.assertJson;
import static io.gproxy.transform.claude.ClaudeTestSupport.ctx;
import static io.gproxy.transform.claude.ClaudeTestSupport.json;
import static io.gproxy.transform.claude.ClaudeTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-stream Messages responses: fixtures to exact IR, IR to exact JSON, usage and stop-reason mapping. */
class ClaudeResponseCodecTest {
    private final ClaudeCodec codec = new ClaudeCodec();

    @Test
    void decodesAPlainTextAnswer() throws Exception {
        TransformContext ctx = ctx();
        assertEquals(new IrResponse("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5-20250929",
                        List.of(new Content.Text("Hello! How can I help you today?")), FinishReason.STOP,
                        new Usage(12L, 11L, 0L, 0L, 0L, null), 0),
                codec.decodeResponse(json("response-text.json"), ctx));
        assertTrue(ctx.loss().isEmpty());
    }

    @Test
    void decodesAToolCallWithCacheUsageAddedToInput() throws Exception {
        assertEquals(new IrResponse("msg_01Aq9w938a90dw8q", "claude-sonnet-4-5-20250929", List.of(
                        new Content.Text("I'll check the current weather in Paris for you."),
                        new Content.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                                "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}", false)),
                        FinishReason.TOOL_CALLS, new Usage(472L + 2048 + 512, 89L, 2048L, 128L, 384L, null), 0),
                codec.decodeResponse(json("response-tool-use.json"), ctx()));
    }

    @Test
    void decodesThinkingAndRedactedThinking() throws Exception {
        assertEquals(new IrResponse("msg_01Tq7pL2xz4wN3", "claude-opus-4-6", List.of(
                        new Content.Reasoning("27 * 453: 27*400 = 10800, 27*53 = 1431, total 12231.",
                                "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV", null, false),
                        new Content.Reasoning(null, null,
                                "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP", false),
                        new Content.Text("27 × 453 = 12,231")),
                        FinishReason.STOP, new Usage(46L, 152L, 0L, 0L, null, null), 0),
                codec.decodeResponse(json("response-thinking.json"), ctx()));
    }

    @Test
    void decodesAMaxTokensStop() throws Exception {
        assertEquals(new IrResponse("msg_013Zva2CMHLNnXjNJJKqJ2EF", "claude-haiku-4-5-20251001",
                        List.of(new Content.Text("Once upon a time, in a land far")), FinishReason.LENGTH,
                        new Usage(14L, 10L, null, null, null, null), 0),
                codec.decodeResponse(json("response-max-tokens.json"), ctx()));
    }

    @Test
    void decodeThenEncodeReproducesNativeResponses() throws Exception {
        for (String name : List.of("response-text.json", "response-tool-use.json", "response-thinking.json",
                "response-max-tokens.json")) {
            JsonNode nativeBody = json(name);
            TransformContext ctx = ctx();
            ObjectNode encoded = codec.encodeResponse(codec.decodeResponse(nativeBody, ctx), ctx);
            ObjectNode expected = nativeBody.deepCopy();
            ObjectNode usage = (ObjectNode) expected.get("usage");
            usage.remove("service_tier"); // not in the IR
            // Claude reports every cache field, zero when unused; the encoder does the same.
            if (!usage.has("cache_creation_input_tokens")) {
                usage.put("cache_creation_input_tokens", 0);
                usage.put("cache_read_input_tokens", 0);
            }
            if (!usage.has("cache_creation")) {
                usage.putObject("cache_creation").put("ephemeral_5m_input_tokens", usage.get("cache_creation_input_tokens").asLong())
                        .put("ephemeral_1h_input_tokens", 0);
            }
            assertJson(expected, encoded);
        }
    }

    @Test
    void encodesAForeignAnswerForAClaudeClient() {
        TransformContext ctx = ctx();
        IrResponse ir = new IrResponse("chatcmpl-9", "gpt-4o", List.of(
                new Content.Reasoning("thought", null, null, true),
                new Content.Text(""),
                new Content.Text("Here."),
                new Content.Refusal("I won't do the rest."),
                new Content.ToolCall("call_1", "f", "[1]", false),
                new Content.Image("image/png", "AAAA", null, null, null)),
                FinishReason.STOP, new Usage(100L, 20L, 30L, null, 10L, 5L), 1_700_000_000L);
        assertJson("""
                {"id":"chatcmpl-9","type":"message","role":"assistant","model":"gpt-4o",
                 "content":[{"type":"thinking","thinking":"thought","signature":""},
                   {"type":"text","text":"Here."},{"type":"text","text":"I won't do the rest."},
                   {"type":"tool_use","id":"toolu_call_1","name":"f","input":{}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":60,"cache_creation_input_tokens":10,"cache_read_input_tokens":30,
                   "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":10},
                   "output_tokens":20}}""", codec.encodeResponse(ir, ctx));
        assertEquals(Set.of("tool_call.arguments", "content.image"), ctx.loss().dropped());
    }

    @Test
    void encodesDefaultsWhenTheUpstreamGaveLittle() {
        ObjectNode out = codec.encodeResponse(new IrResponse(null, null, List.of(), null, Usage.EMPTY, 0), ctx());
        assertJson("""
                {"id":"msg_gproxy_%s","type":"message","role":"assistant","model":"unknown","content":[],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                   "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":0}}"""
                .formatted(Long.toString(ClaudeTestSupport.NOW, 36)), out);
    }

    @Test
    void stopReasonsMapBothWays() {
        assertEquals(FinishReason.STOP, ClaudeStopReason.decode("end_turn"));
        assertEquals(FinishReason.STOP, ClaudeStopReason.decode("stop_sequence"));
        assertEquals(FinishReason.STOP, ClaudeStopReason.decode("pause_turn"));
        assertEquals(FinishReason.STOP, ClaudeStopReason.decode("compaction"));
        assertEquals(FinishReason.LENGTH, ClaudeStopReason.decode("max_tokens"));
        assertEquals(FinishReason.LENGTH, ClaudeStopReason.decode("model_context_window_exceeded"));
        assertEquals(FinishReason.TOOL_CALLS, ClaudeStopReason.decode("tool_use"));
        assertEquals(FinishReason.CONTENT_FILTER, ClaudeStopReason.decode("refusal"));
        assertEquals(null, ClaudeStopReason.decode(null));
        assertEquals("end_turn", ClaudeStopReason.encode(FinishReason.STOP, false));
        assertEquals("tool_use", ClaudeStopReason.encode(FinishReason.STOP, true));
        assertEquals("max_tokens", ClaudeStopReason.encode(FinishReason.LENGTH, true));
        assertEquals("tool_use", ClaudeStopReason.encode(FinishReason.TOOL_CALLS, false));
        assertEquals("refusal", ClaudeStopReason.encode(FinishReason.CONTENT_FILTER, false));
        assertEquals("refusal", ClaudeStopReason.encode(FinishReason.ERROR, false));
    }

    @Test
    void usageSubtractsCacheTokensNeverBelowZero() {
        assertJson("""
                {"input_tokens":0,"cache_creation_input_tokens":50,"cache_read_input_tokens":80,
                 "cache_creation":{"ephemeral_5m_input_tokens":50,"ephemeral_1h_input_tokens":0},"output_tokens":0}""",
                ClaudeUsage.encodeFull(new Usage(100L, null, 80L, 50L, null, null)));
        assertEquals(new Usage(1000L, null, 900L, 40L, null, null),
                ClaudeUsage.decode(parse("{\"input_tokens\":60,\"cache_read_input_tokens\":900,\"cache_creation_input_tokens\":40}")));
    }

    @Test
    void streamUsageKeepsTheCacheSplitWhenTheTotalIsUnchanged() {
        Usage start = new Usage(1000L, 1L, 0L, 100L, 300L, null);
        assertEquals(new Usage(1000L, 50L, 0L, 100L, 300L, null), ClaudeUsage.decode(parse(
                "{\"input_tokens\":600,\"cache_creation_input_tokens\":400,\"cache_read_input_tokens\":0,\"output_tokens\":50}"),
                start));
        assertEquals(new Usage(1100L, 50L, 0L, 500L, 0L, null), ClaudeUsage.decode(parse(
                "{\"input_tokens\":600,\"cache_creation_input_tokens\":500,\"cache_read_input_tokens\":0,\"output_tokens\":50}"),
                start));
        assertEquals(new Usage(null, 7L, null, null, null, null), ClaudeUsage.decode(parse("{\"output_tokens\":7}"), start));
    }

    @Test
    void malformedResponsesDoNotDecode() {
        assertThrows(TransformException.class, () -> codec.decodeResponse(parse(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeResponse(parse("{\"type\":\"message\",\"content\":\"x\"}"), ctx()));
        assertThrows(TransformException.class, () -> codec.decodeResponse(parse(
                "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\"}]}"), ctx()));
    }
}
