package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.NOW;
import static io.gproxy.transform.chat.ChatTestSupport.assertJson;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatResponseEncodeTest {

    @Test
    void textWithCachedAndReasoningTokens() {
        IrResponse ir = new IrResponse("chatcmpl-1", "gpt-4o", List.of(new Content.Text("Hi")), FinishReason.STOP,
                new Usage(10L, 5L, 4L, null, null, 2L), 1741570283L);
        assertJson("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,"annotations":[]},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,
                   "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}}
                """, CODEC.encodeResponse(ir, ctx()));
    }

    /** A Claude answer: thinking with signature, redacted thinking, text split by a citation, a tool call. */
    @Test
    void claudeShapedAnswerWithToolCall() {
        TransformContext ctx = ctx();
        IrResponse ir = new IrResponse("msg_01XFDUDYJgAACzvnptvVoYEL", "claude-sonnet-4-5",
                List.of(new Content.Reasoning("Weather needs a tool.", "EqoBCkgIARAB", null, false),
                        new Content.Reasoning(null, null, "EmwKAhgBEgy3", false),
                        new Content.Text("Paris is "),
                        new Content.Text("in France. Checking."),
                        new Content.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"location\":\"Paris\"}", false)),
                FinishReason.TOOL_CALLS, new Usage(2095L, 503L, 2000L, 50L, null, null), 0);
        assertJson("""
                {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1700000000,"model":"claude-sonnet-4-5",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is in France. Checking.",
                   "reasoning_content":"Weather needs a tool.",
                   "reasoning_details":[
                     {"type":"reasoning.text","id":"reasoning_0","index":0,"text":"Weather needs a tool.","signature":"EqoBCkgIARAB"},
                     {"type":"reasoning.encrypted","id":"reasoning_1","index":1,"data":"EmwKAhgBEgy3"}],
                   "tool_calls":[{"id":"toolu_01A09q90qw90lq917835lq9","type":"function",
                     "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}],
                   "refusal":null,"annotations":[]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":2095,"completion_tokens":503,"total_tokens":2598,
                   "prompt_tokens_details":{"cached_tokens":2000}}}
                """, CODEC.encodeResponse(ir, ctx));
        assertEquals(Set.of("usage.cache_creation_input_tokens"), ctx.loss().dropped());
    }

    @Test
    void refusalAndEmptyUsage() {
        IrResponse ir = new IrResponse("r", "m", List.of(new Content.Refusal("No.")), FinishReason.CONTENT_FILTER,
                Usage.EMPTY, 5);
        assertJson("""
                {"id":"r","object":"chat.completion","created":5,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"No.","annotations":[]},
                   "logprobs":null,"finish_reason":"content_filter"}],
                 "usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}
                """, CODEC.encodeResponse(ir, ctx()));
    }

    @Test
    void finishReasonMapping() {
        assertEquals("length", finish(FinishReason.LENGTH, false, ctx()));
        assertEquals("tool_calls", finish(null, true, ctx()));
        assertEquals("stop", finish(null, false, ctx()));
        TransformContext ctx = ctx();
        assertEquals("stop", finish(FinishReason.ERROR, false, ctx));
        assertEquals(Set.of("finish_reason.error"), ctx.loss().dropped());
    }

    private static String finish(FinishReason reason, boolean toolCall, TransformContext ctx) {
        List<Content> content = toolCall ? List.of(new Content.ToolCall("c", "f", "{}", false)) : List.of(new Content.Text("x"));
        return CODEC.encodeResponse(new IrResponse("i", "m", content, reason, Usage.EMPTY, 1), ctx)
                .get("choices").get(0).get("finish_reason").asText();
    }

    /** Native responses decoded and re-encoded keep id, created, model, message, finish reason and usage. */
    @ParameterizedTest
    @ValueSource(strings = {"response_text.json", "response_tool_calls.json", "response_reasoning.json",
            "response_length.json", "response_refusal.json"})
    void nativeResponseSurvivesDecodeThenEncode(String name) throws Exception {
        JsonNode original = fixture(name);
        ObjectNode encoded = CODEC.encodeResponse(CODEC.decodeResponse(original, ctx()), ctx());
        for (String field : List.of("id", "created", "model")) {
            assertJson(original.get(field), encoded.get(field));
        }
        assertEquals("chat.completion", encoded.get("object").asText());
        JsonNode origChoice = original.get("choices").get(0);
        JsonNode choice = encoded.get("choices").get(0);
        assertJson(origChoice.get("finish_reason"), choice.get("finish_reason"));
        JsonNode origMessage = origChoice.get("message");
        JsonNode message = choice.get("message");
        for (String field : List.of("role", "content", "refusal", "tool_calls", "reasoning_details")) {
            if (origMessage.has(field)) {
                // OpenRouter's format tag (the origin of the signature) survives too
                assertJson(origMessage.get(field), withoutIds(message.get(field)));
            }
        }
        JsonNode origUsage = original.get("usage");
        JsonNode usage = encoded.get("usage");
        for (String field : List.of("prompt_tokens", "completion_tokens", "total_tokens")) {
            assertJson(origUsage.get(field), usage.get(field));
        }
        assertJson(origUsage.path("prompt_tokens_details").path("cached_tokens"),
                usage.path("prompt_tokens_details").path("cached_tokens"));
        assertJson(origUsage.path("completion_tokens_details").path("reasoning_tokens"),
                usage.path("completion_tokens_details").path("reasoning_tokens"));
    }

    /** Our detail ids only group details of one block. */
    private static JsonNode withoutIds(JsonNode node) {
        JsonNode copy = node == null ? null : node.deepCopy();
        if (copy != null && copy.isArray()) {
            copy.forEach(d -> {
                if (d.has("type") && d.get("type").asText().startsWith("reasoning.")) {
                    ((ObjectNode) d).remove("id");
                }
            });
        }
        return copy;
    }
}
