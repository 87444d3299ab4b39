package io.gproxy.transform.responses;

import static io.gproxy.transform.responses.Fixtures.assertJson;
import static io.gproxy.transform.responses.Fixtures.ctx;
import static io.gproxy.transform.responses.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/** Request and non-stream response encoders produce the exact bodies the real API takes and sends. */
class ResponsesEncodeTest {
    private final ResponsesCodec codec = new ResponsesCodec();

    private static ObjectNode schema() {
        return (ObjectNode) Fixtures.parse("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");
    }

    /** What a Claude client's conversation with thinking, tools and an image looks like in the IR. */
    private static IrRequest agentRequest() {
        return new IrRequest("gpt-5", List.of(new Content.Text("You are terse.")), List.of(
                new Message(Role.USER, List.of(new Content.Text("Weather in Paris?"),
                        new Content.Image("image/jpeg", "/9j/4AAQ", null, null, null))),
                new Message(Role.ASSISTANT, List.of(
                        new Content.Reasoning("The user wants weather.", "EqQBCkYIBxgC", null, false),
                        new Content.Reasoning("", null, "gAAAAABopaque", false),
                        new Content.Text("Checking."),
                        new Content.ToolCall("toolu_01A", "get_weather", "{\"city\":\"Paris\"}", false))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("toolu_01A", "get_weather",
                        List.of(new Content.Text("18C, cloudy")), true))),
                new Message(Role.SYSTEM, List.of(new Content.Text("Reply in one line."))),
                new Message(Role.USER, List.of(new Content.Document(null, null, null, null, "notes", "plain notes")))),
                List.of(new Tool("get_weather", "Current weather", schema(), null, Tool.Kind.FUNCTION),
                        new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH)),
                ToolChoice.named("get_weather"), true,
                new Generation(1024, 0.5, null, 40, List.of("END"), null, null, null, null),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, schema(), true),
                new Reasoning(Reasoning.Mode.ENABLED, null, 2048, true, "high"), true, "user-7");
    }

    @Test
    void requestForAResponsesUpstream() {
        TransformContext ctx = ctx();
        ObjectNode body = codec.encodeRequest(agentRequest(), ctx);
        assertJson("""
                {
                  "model": "gpt-5",
                  "instructions": "You are terse.",
                  "input": [
                    {"type": "message", "role": "user", "content": [
                      {"type": "input_text", "text": "Weather in Paris?"},
                      {"type": "input_image", "detail": "auto", "image_url": "data:image/jpeg;base64,/9j/4AAQ"}]},
                    {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "The user wants weather."}]},
                    {"type": "reasoning", "summary": [], "encrypted_content": "gAAAAABopaque"},
                    {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
                    {"type": "function_call", "call_id": "toolu_01A", "name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"},
                    {"type": "function_call_output", "call_id": "toolu_01A", "output": "18C, cloudy"},
                    {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Reply in one line."}]},
                    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "plain notes"}]}
                  ],
                  "tools": [
                    {"type": "function", "name": "get_weather", "description": "Current weather",
                     "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                     "strict": false},
                    {"type": "web_search"}
                  ],
                  "tool_choice": {"type": "function", "name": "get_weather"},
                  "parallel_tool_calls": true,
                  "max_output_tokens": 1024,
                  "temperature": 0.5,
                  "reasoning": {"effort": "medium", "summary": "auto"},
                  "text": {"format": {"type": "json_schema", "name": "response",
                           "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                           "strict": true},
                           "verbosity": "high"},
                  "user": "user-7",
                  "stream": true,
                  "store": false,
                  "include": ["reasoning.encrypted_content"]
                }""", body);
        assertEquals(Set.of("reasoning.signature", "tool_result.is_error", "top_k", "stop", "reasoning.budget_tokens",
                "document.title"), ctx.loss().dropped());
    }

    @Test
    void minimalRequestHasNoReasoningInclude() {
        IrRequest ir = new IrRequest("gpt-4.1", List.of(new Content.Text("a"), new Content.Text("b")),
                List.of(new Message(Role.USER, List.of(new Content.Text("hi")))), List.of(), null, null, null, null,
                null, false, null);
        assertJson("""
                {"model": "gpt-4.1",
                 "instructions": "a",
                 "input": [
                   {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "b"}]},
                   {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
                 "stream": false, "store": false}""", codec.encodeRequest(ir, ctx()));
    }

    @Test
    void customToolsCallsAndOutputsKeepTheirKind() {
        IrRequest ir = new IrRequest(null, List.of(), List.of(
                new Message(Role.ASSISTANT, List.of(new Content.ToolCall("call_p", "apply_patch", "*** Begin Patch", true))),
                new Message(Role.TOOL, List.of(new Content.ToolResult("call_p", "apply_patch",
                        List.of(new Content.Text("Done"), new Content.Image(null, null, "https://x/y.png", null, "low")), false)))),
                List.of(new Tool("apply_patch", "Edit files", null, null, Tool.Kind.CUSTOM)),
                ToolChoice.named("apply_patch"), null, null, null, new Reasoning(null, "none", null, true, null), false, null);
        assertJson("""
                {"input": [
                   {"type": "custom_tool_call", "call_id": "call_p", "name": "apply_patch", "input": "*** Begin Patch"},
                   {"type": "custom_tool_call_output", "call_id": "call_p", "output": [
                     {"type": "input_text", "text": "Done"},
                     {"type": "input_image", "detail": "low", "image_url": "https://x/y.png"}]}],
                 "tools": [{"type": "custom", "name": "apply_patch", "description": "Edit files"}],
                 "tool_choice": {"type": "custom", "name": "apply_patch"},
                 "reasoning": {"effort": "none"},
                 "stream": false, "store": false}""", codec.encodeRequest(ir, ctx()));
    }

    @Test
    void responseWithReasoningTextAndToolCall() {
        IrResponse r = new IrResponse("resp_abc", "claude-sonnet-4-5", List.of(
                new Content.Reasoning("Need the tool.", "EqQBsig", null, true),
                new Content.Text("Checking."),
                new Content.Text("Hold on."),
                new Content.ToolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}", false)),
                FinishReason.TOOL_CALLS, new Usage(120L, 40L, 100L, 10L, null, 12L), 1_750_000_000L);
        String enc = ReasoningEnvelope.wrap("EqQBsig", null);
        assertJson("""
                {"id": "resp_abc", "object": "response", "created_at": 1750000000, "status": "completed",
                 "error": null, "incomplete_details": null, "instructions": null, "max_output_tokens": null,
                 "model": "claude-sonnet-4-5",
                 "output": [
                   {"id": "rs_abc_0", "type": "reasoning", "summary": [{"type": "summary_text", "text": "Need the tool."}],
                    "encrypted_content": "%s"},
                   {"id": "msg_abc_1", "type": "message", "status": "completed", "role": "assistant", "content": [
                     {"type": "output_text", "annotations": [], "logprobs": [], "text": "Checking."},
                     {"type": "output_text", "annotations": [], "logprobs": [], "text": "Hold on."}]},
                   {"id": "fc_abc_2", "type": "function_call", "status": "completed", "arguments": "{\\"city\\":\\"Paris\\"}",
                    "call_id": "toolu_01", "name": "get_weather"}],
                 "parallel_tool_calls": true, "previous_response_id": null,
                 "reasoning": {"effort": null, "summary": null}, "store": false, "temperature": null,
                 "text": {"format": {"type": "text"}}, "tool_choice": "auto", "tools": [], "top_p": null,
                 "truncation": "disabled",
                 "usage": {"input_tokens": 120, "input_tokens_details": {"cached_tokens": 100, "cache_write_tokens": 10},
                           "output_tokens": 40, "output_tokens_details": {"reasoning_tokens": 12}, "total_tokens": 160},
                 "user": null, "metadata": {}}""".formatted(enc), codec.encodeResponse(r, ctx()));
    }

    @Test
    void finishReasonsBecomeStatuses() {
        JsonNode length = codec.encodeResponse(new IrResponse("r", "m", List.of(new Content.Text("x")), FinishReason.LENGTH,
                Usage.EMPTY, 0), ctx());
        assertEquals("incomplete", length.get("status").asText());
        assertEquals("max_output_tokens", length.at("/incomplete_details/reason").asText());
        assertEquals(Fixtures.NOW, length.get("created_at").asLong(), "created_at falls back to the context clock");
        JsonNode filter = codec.encodeResponse(new IrResponse("r", "m", List.of(new Content.Refusal("No.")),
                FinishReason.CONTENT_FILTER, Usage.EMPTY, 1), ctx());
        assertEquals("content_filter", filter.at("/incomplete_details/reason").asText());
        assertEquals("refusal", filter.at("/output/0/content/0/type").asText());
        JsonNode error = codec.encodeResponse(new IrResponse(null, null, List.of(), FinishReason.ERROR, Usage.EMPTY, 1), ctx());
        assertEquals("failed", error.get("status").asText());
        assertEquals("server_error", error.at("/error/code").asText());
        assertEquals("unknown", error.get("model").asText());
        assertEquals("resp_1", error.get("id").asText());
    }

    @Test
    void nativeResponsesSurviveDecodeThenEncode() throws TransformException {
        for (String fixture : List.of("response_text.json", "response_tool_call.json", "response_incomplete.json")) {
            JsonNode original = json(fixture);
            JsonNode again = codec.encodeResponse(codec.decodeResponse(original, ctx()), ctx());
            for (String field : List.of("id", "object", "created_at", "status", "model", "incomplete_details")) {
                assertEquals(original.get(field).toString(), again.get(field).toString(), fixture + " " + field);
            }
            assertEquals(String.valueOf(original.at("/usage/input_tokens")), String.valueOf(again.at("/usage/input_tokens")), fixture);
            assertEquals(String.valueOf(original.at("/usage/output_tokens")), String.valueOf(again.at("/usage/output_tokens")), fixture);
            assertEquals(original.at("/usage/input_tokens_details/cached_tokens").asLong(),
                    again.at("/usage/input_tokens_details/cached_tokens").asLong(), fixture);
            assertEquals(original.at("/usage/output_tokens_details/reasoning_tokens").asLong(),
                    again.at("/usage/output_tokens_details/reasoning_tokens").asLong(), fixture);
            assertEquals(original.get("output").size(), again.get("output").size(), fixture);
            for (int i = 0; i < original.get("output").size(); i++) {
                JsonNode a = original.get("output").get(i);
                JsonNode b = again.get("output").get(i);
                assertEquals(String.valueOf(a.get("type")), String.valueOf(b.get("type")));
                assertEquals(summaryText(a), summaryText(b), "summary parts are one IR block, joined by a blank line");
                for (String f : List.of("encrypted_content", "arguments", "call_id", "name", "role")) {
                    assertEquals(String.valueOf(a.get(f)), String.valueOf(b.get(f)), fixture + " output " + i + " " + f);
                }
                if (a.has("content")) {
                    assertEquals(String.valueOf(a.at("/content/0/text")), String.valueOf(b.at("/content/0/text")));
                }
            }
        }
    }

    private static String summaryText(JsonNode item) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : item.path("summary")) {
            sb.append(sb.isEmpty() ? "" : "\n\n").append(part.get("text").asText());
        }
        return sb.toString();
    }

    @Test
    void nativeRequestsSurviveDecodeThenEncode() throws TransformException {
        JsonNode original = json("request_codex.json");
        JsonNode again = codec.encodeRequest(codec.decodeRequest(original, ctx()), ctx());
        for (String field : List.of("model", "instructions", "tool_choice", "parallel_tool_calls", "stream", "store",
                "include", "text")) {
            assertEquals(original.get(field), again.get(field), field);
        }
        assertEquals(original.get("reasoning"), again.get("reasoning"));
        // Codex's own items come back as Codex sent them (no ids), in the same order.
        assertEquals(original.get("input").size(), again.get("input").size());
        for (int i = 0; i < original.get("input").size(); i++) {
            ObjectNode expected = original.get("input").get(i).deepCopy();
            for (JsonNode part : expected.path("content")) {
                if (part.path("type").asText().equals("input_image") && !part.has("detail")) {
                    ((ObjectNode) part).put("detail", "auto"); // the API default, written out
                }
            }
            assertJson(expected.toString(), again.get("input").get(i));
        }
        assertEquals(original.at("/tools/0"), again.at("/tools/0"));
        assertEquals("custom", again.at("/tools/1/type").asText());
        assertEquals("web_search", again.at("/tools/2/type").asText());
    }
}
