package io.gproxy.tests.mock;

import static io.gproxy.tests.mock.Json.arr;
import static io.gproxy.tests.mock.Json.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Anthropic Messages wire format. Auth is {@code x-api-key: <key>}, and also {@code Authorization: Bearer <key>},
 * because that is what anthropic-java 3.x sends for {@code apiKey(..)} (observed with 3.12.0), so the real
 * API accepts both; tests that care which one arrived assert on the recorded header. Like the real API an
 * {@code anthropic-version}
 * header is mandatory (400 without it), and {@code max_tokens} is required in a messages body.
 * Every stream frame carries an {@code event:} line: anthropic-java ignores frames without one.
 * A request with {@code tools} ({@code {name, input_schema}}) is answered with one {@code tool_use} block calling the
 * first one (see {@link MockUpstream}).
 */
public final class MockAnthropic extends MockUpstream {
    public static final List<String> MODELS = List.of("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1");
    private static final String SSE = "text/event-stream; charset=utf-8";

    public MockAnthropic() {
        super("anthropic");
    }

    @Override
    protected boolean authorized(RecordedRequest request, String key) {
        return key.equals(request.header("x-api-key")) || ("Bearer " + key).equals(request.header("authorization"));
    }

    @Override
    protected String unauthorizedMessage(RecordedRequest request) {
        return "invalid x-api-key";
    }

    @Override
    protected JsonNode errorBody(int status, String message) {
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
        return obj("type", "error", "error", obj("type", type, "message", message), "request_id", "req_mock");
    }

    @Override
    protected boolean handle(Exchange x) throws IOException {
        String route = x.method() + " " + x.path();
        if (!List.of("POST /v1/messages", "POST /v1/messages/count_tokens", "GET /v1/models").contains(route)) {
            return false;
        }
        if (x.request().header("anthropic-version") == null) {
            throw new BadRequest("anthropic-version: header is required");
        }
        switch (route) {
            case "POST /v1/messages" -> messages(x);
            case "POST /v1/messages/count_tokens" -> x.json(200, obj("input_tokens", INPUT_TOKENS));
            default -> x.json(200, modelList());
        }
        return true;
    }

    private void messages(Exchange x) throws IOException {
        JsonNode body = x.body();
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            throw new BadRequest("model: Field required");
        }
        if (!body.path("max_tokens").isNumber()) {
            throw new BadRequest("max_tokens: Field required");
        }
        String id = "msg_" + nextId();
        String tool = firstTool(body);
        if (tool != null) {
            toolUse(x, body, id, model, tool);
            return;
        }
        String text = replyText(model);
        if (!body.path("stream").asBoolean(false)) {
            x.json(200, message(id, model, arr(obj("type", "text", "text", text)), "end_turn", OUTPUT_TOKENS));
            return;
        }
        try (EventStream s = x.stream(SSE)) {
            // message_start reports input usage and a provisional output count, as the real API does.
            s.event("message_start", obj("type", "message_start", "message", message(id, model, arr(), null, 1)));
            s.event("content_block_start", obj("type", "content_block_start", "index", 0,
                    "content_block", obj("type", "text", "text", "")));
            s.event("ping", obj("type", "ping"));
            for (String delta : streamDeltas(text)) {
                s.event("content_block_delta", obj("type", "content_block_delta", "index", 0,
                        "delta", obj("type", "text_delta", "text", delta)));
            }
            s.event("content_block_stop", obj("type", "content_block_stop", "index", 0));
            s.event("message_delta", obj("type", "message_delta",
                    "delta", obj("stop_reason", "end_turn", "stop_sequence", null),
                    "usage", obj("input_tokens", INPUT_TOKENS, "cache_creation_input_tokens", 0,
                            "cache_read_input_tokens", 0, "output_tokens", OUTPUT_TOKENS)));
            s.event("message_stop", obj("type", "message_stop"));
        }
    }

    /**
     * One tool_use block, stop_reason tool_use. Stream: content_block_start with {@code input: {}}, an empty
     * input_json_delta then one per argument fragment, content_block_stop, message_delta, message_stop, as the real
     * API sends it.
     */
    private void toolUse(Exchange x, JsonNode body, String id, String model, String tool) throws IOException {
        String toolId = "toolu_" + nextId();
        if (!body.path("stream").asBoolean(false)) {
            x.json(200, message(id, model, arr(obj("type", "tool_use", "id", toolId, "name", tool,
                    "input", toolArgumentsJson())), "tool_use", OUTPUT_TOKENS));
            return;
        }
        try (EventStream s = x.stream(SSE)) {
            s.event("message_start", obj("type", "message_start", "message", message(id, model, arr(), null, 1)));
            s.event("content_block_start", obj("type", "content_block_start", "index", 0,
                    "content_block", obj("type", "tool_use", "id", toolId, "name", tool, "input", obj())));
            s.event("content_block_delta", obj("type", "content_block_delta", "index", 0,
                    "delta", obj("type", "input_json_delta", "partial_json", "")));
            for (String fragment : toolArgumentFragments()) {
                s.event("content_block_delta", obj("type", "content_block_delta", "index", 0,
                        "delta", obj("type", "input_json_delta", "partial_json", fragment)));
            }
            s.event("content_block_stop", obj("type", "content_block_stop", "index", 0));
            s.event("message_delta", obj("type", "message_delta",
                    "delta", obj("stop_reason", "tool_use", "stop_sequence", null),
                    "usage", obj("input_tokens", INPUT_TOKENS, "cache_creation_input_tokens", 0,
                            "cache_read_input_tokens", 0, "output_tokens", OUTPUT_TOKENS)));
            s.event("message_stop", obj("type", "message_stop"));
        }
    }

    /** Name of the first custom tool offered (one with an input_schema; server tools have a type instead), or null. */
    private static String firstTool(JsonNode body) {
        for (JsonNode tool : body.path("tools")) {
            String name = tool.path("name").asText("");
            if (!name.isEmpty() && tool.has("input_schema")) {
                return name;
            }
        }
        return null;
    }

    private static ObjectNode message(String id, String model, ArrayNode content, String stopReason,
                                      int outputTokens) {
        return obj("id", id, "type", "message", "role", "assistant", "model", model, "content", content,
                "stop_reason", stopReason, "stop_sequence", null, "usage", usage(outputTokens));
    }

    private static ObjectNode usage(int outputTokens) {
        return obj("input_tokens", INPUT_TOKENS, "cache_creation_input_tokens", 0, "cache_read_input_tokens", 0,
                "cache_creation", obj("ephemeral_5m_input_tokens", 0, "ephemeral_1h_input_tokens", 0),
                "output_tokens", outputTokens, "service_tier", "standard");
    }

    private static ObjectNode modelList() {
        ArrayNode data = arr();
        for (String id : MODELS) {
            data.add(obj("type", "model", "id", id, "display_name", id, "created_at", "2025-09-29T00:00:00Z"));
        }
        return obj("data", data, "has_more", false, "first_id", MODELS.get(0), "last_id", MODELS.get(MODELS.size() - 1));
    }
}
