package io.gproxy.tests.mock;

import static io.gproxy.tests.mock.Json.arr;
import static io.gproxy.tests.mock.Json.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * OpenAI wire format: Chat Completions, Responses and the model list, auth {@code Authorization: Bearer}.
 * Field sets follow what api.openai.com actually returns (openai-java validates required fields).
 * A request with {@code tools} (Chat: {@code {type:function, function:{name}}}; Responses: {@code {type:function,
 * name}}) is answered with one call of the first one (see {@link MockUpstream}).
 */
public final class MockOpenAi extends MockUpstream {
    public static final List<String> MODELS = List.of("gpt-4o-mini", "gpt-4.1", "gpt-5-mini");
    private static final String FINGERPRINT = "fp_mock0001";
    private static final String SSE = "text/event-stream; charset=utf-8";

    public MockOpenAi() {
        super("openai");
    }

    @Override
    protected boolean authorized(RecordedRequest request, String key) {
        return ("Bearer " + key).equals(request.header("authorization"));
    }

    @Override
    protected String unauthorizedMessage(RecordedRequest request) {
        return request.header("authorization") == null
                ? "You didn't provide an API key. You need to provide your API key in an Authorization header "
                        + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                : "Incorrect API key provided. You can find your API key at "
                        + "https://platform.openai.com/account/api-keys.";
    }

    @Override
    protected JsonNode errorBody(int status, String message) {
        String type = status >= 500 ? "server_error" : status == 429 ? "requests" : "invalid_request_error";
        String code = status == 401 ? "invalid_api_key" : status == 429 ? "rate_limit_exceeded" : null;
        return obj("error", obj("message", message, "type", type, "param", null, "code", code));
    }

    @Override
    protected boolean handle(Exchange x) throws IOException {
        switch (x.method() + " " + x.path()) {
            case "POST /v1/chat/completions" -> chat(x);
            case "POST /v1/responses" -> responses(x);
            case "GET /v1/models" -> x.json(200, obj("object", "list", "data", modelList()));
            case "POST /v1/embeddings" -> embeddings(x);
            case "POST /v1/images/generations" -> x.json(200, obj("created", nowSeconds(),
                    "data", arr(obj("b64_json", "iVBORw0KGgo=", "revised_prompt", null))));
            case "POST /v1/responses/compact" -> x.json(200, obj("id", "resp_" + nextId(), "object", "response.compaction",
                    "created_at", nowSeconds(), "output", arr(), "usage", responsesUsage()));
            case "POST /v1/conversations" -> x.json(200, obj("id", "conv_" + nextId(), "object", "conversation",
                    "created_at", nowSeconds(), "metadata", obj()));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static String model(JsonNode body) {
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            throw new BadRequest("you must provide a model parameter");
        }
        return model;
    }

    private static ArrayNode modelList() {
        ArrayNode data = arr();
        for (String id : MODELS) {
            data.add(obj("id", id, "object", "model", "created", 1_700_000_000L, "owned_by", "system"));
        }
        return data;
    }

    /** A tiny fixed embedding per input (benchmarks and cold-start probes need a 200, not its numbers). */
    private void embeddings(Exchange x) throws IOException {
        String model = model(x.body());
        x.json(200, obj("object", "list", "data", arr(obj("object", "embedding", "index", 0,
                        "embedding", arr(0.0023, -0.0093, 0.0158, -0.0042))), "model", model,
                "usage", obj("prompt_tokens", INPUT_TOKENS, "total_tokens", INPUT_TOKENS)));
    }

    // ---------------------------------------------------------------- Chat Completions

    private void chat(Exchange x) throws IOException {
        JsonNode body = x.body();
        String model = model(body);
        String id = "chatcmpl-" + nextId();
        long created = nowSeconds();
        String tool = firstTool(body, true);
        if (tool != null) {
            chatToolCall(x, body, id, created, model, tool);
            return;
        }
        String text = replyText(model);
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode message = obj("role", "assistant", "content", text, "refusal", null, "annotations", arr());
            x.json(200, obj("id", id, "object", "chat.completion", "created", created, "model", model,
                    "choices", arr(obj("index", 0, "message", message, "logprobs", null, "finish_reason", "stop")),
                    "usage", chatUsage(), "service_tier", "default", "system_fingerprint", FINGERPRINT));
            return;
        }
        // Real sequence: role chunk (empty content), content chunks, a chunk with finish_reason and an
        // empty delta, then, with include_usage, a usage-only chunk with choices [] (all earlier chunks
        // carry "usage": null), then [DONE].
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        try (EventStream s = x.stream(SSE)) {
            ChunkMaker chunk = new ChunkMaker(id, created, model, includeUsage);
            s.data(chunk.of(obj("role", "assistant", "content", "", "refusal", null), null));
            for (String delta : streamDeltas(text)) {
                s.data(chunk.of(obj("content", delta), null));
            }
            s.data(chunk.of(obj(), "stop"));
            if (includeUsage) {
                ObjectNode usageChunk = chunk.base();
                usageChunk.set("choices", arr());
                usageChunk.set("usage", chatUsage());
                s.data(Json.write(usageChunk));
            }
            s.data("[DONE]");
        }
    }

    /**
     * One tool call. Stream: the first chunk carries role, id, type, name and arguments "", then one chunk per
     * argument fragment, then finish_reason tool_calls, as api.openai.com sends it.
     */
    private void chatToolCall(Exchange x, JsonNode body, String id, long created, String model, String tool)
            throws IOException {
        String callId = "call_" + nextId();
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode call = obj("id", callId, "type", "function",
                    "function", obj("name", tool, "arguments", TOOL_ARGUMENTS));
            ObjectNode message = obj("role", "assistant", "content", null, "tool_calls", arr(call), "refusal", null,
                    "annotations", arr());
            x.json(200, obj("id", id, "object", "chat.completion", "created", created, "model", model,
                    "choices", arr(obj("index", 0, "message", message, "logprobs", null, "finish_reason", "tool_calls")),
                    "usage", chatUsage(), "service_tier", "default", "system_fingerprint", FINGERPRINT));
            return;
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        try (EventStream s = x.stream(SSE)) {
            ChunkMaker chunk = new ChunkMaker(id, created, model, includeUsage);
            s.data(chunk.of(obj("role", "assistant", "content", null, "tool_calls", arr(obj("index", 0, "id", callId,
                    "type", "function", "function", obj("name", tool, "arguments", ""))), "refusal", null), null));
            for (String fragment : toolArgumentFragments()) {
                s.data(chunk.of(obj("tool_calls", arr(obj("index", 0, "function", obj("arguments", fragment)))), null));
            }
            s.data(chunk.of(obj(), "tool_calls"));
            if (includeUsage) {
                ObjectNode usageChunk = chunk.base();
                usageChunk.set("choices", arr());
                usageChunk.set("usage", chatUsage());
                s.data(Json.write(usageChunk));
            }
            s.data("[DONE]");
        }
    }

    /** Name of the first function tool offered (Chat nests it under "function"), or null when none is. */
    private static String firstTool(JsonNode body, boolean chatShape) {
        for (JsonNode tool : body.path("tools")) {
            if ("function".equals(tool.path("type").asText())) {
                String name = (chatShape ? tool.path("function") : tool).path("name").asText("");
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        return null;
    }

    private record ChunkMaker(String id, long created, String model, boolean includeUsage) {
        ObjectNode base() {
            return obj("id", id, "object", "chat.completion.chunk", "created", created, "model", model,
                    "service_tier", "default", "system_fingerprint", FINGERPRINT);
        }

        String of(ObjectNode delta, String finishReason) {
            ObjectNode chunk = base();
            chunk.set("choices", arr(obj("index", 0, "delta", delta, "logprobs", null, "finish_reason", finishReason)));
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return Json.write(chunk);
        }
    }

    private static ObjectNode chatUsage() {
        return obj("prompt_tokens", INPUT_TOKENS, "completion_tokens", OUTPUT_TOKENS, "total_tokens", TOTAL_TOKENS,
                "prompt_tokens_details", obj("cached_tokens", 0, "audio_tokens", 0),
                "completion_tokens_details", obj("reasoning_tokens", 0, "audio_tokens", 0,
                        "accepted_prediction_tokens", 0, "rejected_prediction_tokens", 0));
    }

    // ---------------------------------------------------------------- Responses

    private void responses(Exchange x) throws IOException {
        JsonNode body = x.body();
        ResponseMaker r = new ResponseMaker("resp_" + nextId(), "msg_" + nextId(), nowSeconds(), model(body),
                body.path("instructions").isTextual() ? body.get("instructions").asText() : null);
        String tool = firstTool(body, false);
        if (tool != null) {
            responsesToolCall(x, body, r, tool);
            return;
        }
        String text = replyText(r.model());
        if (!body.path("stream").asBoolean(false)) {
            x.json(200, r.response("completed", arr(r.message("completed", text)), responsesUsage()));
            return;
        }
        // The complete event sequence of a one-message text reply; every event has sequence_number,
        // item-level ones output_index and item_id, part-level ones content_index too. Events have an
        // "event:" line naming the type, like the real API; there is no [DONE] on this endpoint.
        List<String> parts = streamDeltas(text);
        text = String.join("", parts);
        try (EventStream s = x.stream(SSE)) {
            int seq = 0;
            s.event("response.created", obj("type", "response.created", "sequence_number", seq++,
                    "response", r.response("in_progress", arr(), null)));
            s.event("response.in_progress", obj("type", "response.in_progress", "sequence_number", seq++,
                    "response", r.response("in_progress", arr(), null)));
            s.event("response.output_item.added", obj("type", "response.output_item.added",
                    "sequence_number", seq++, "output_index", 0, "item", r.message("in_progress", null)));
            s.event("response.content_part.added", r.partEvent("response.content_part.added", seq++,
                    "part", textPart("")));
            for (String delta : parts) {
                ObjectNode e = r.partEvent("response.output_text.delta", seq++, "delta", delta);
                e.set("logprobs", arr());
                s.event("response.output_text.delta", e);
            }
            ObjectNode done = r.partEvent("response.output_text.done", seq++, "text", text);
            done.set("logprobs", arr());
            s.event("response.output_text.done", done);
            s.event("response.content_part.done", r.partEvent("response.content_part.done", seq++,
                    "part", textPart(text)));
            s.event("response.output_item.done", obj("type", "response.output_item.done",
                    "sequence_number", seq++, "output_index", 0, "item", r.message("completed", text)));
            s.event("response.completed", obj("type", "response.completed", "sequence_number", seq,
                    "response", r.response("completed", arr(r.message("completed", text)), responsesUsage())));
        }
    }

    /**
     * One function_call output item. Stream: created, in_progress, output_item.added (arguments ""), one
     * function_call_arguments.delta per fragment, function_call_arguments.done, output_item.done, completed.
     */
    private void responsesToolCall(Exchange x, JsonNode body, ResponseMaker r, String tool) throws IOException {
        String itemId = "fc_" + nextId();
        String callId = "call_" + nextId();
        ObjectNode done = functionCall(itemId, callId, tool, TOOL_ARGUMENTS, "completed");
        if (!body.path("stream").asBoolean(false)) {
            x.json(200, r.response("completed", arr(done), responsesUsage()));
            return;
        }
        try (EventStream s = x.stream(SSE)) {
            int seq = 0;
            s.event("response.created", obj("type", "response.created", "sequence_number", seq++,
                    "response", r.response("in_progress", arr(), null)));
            s.event("response.in_progress", obj("type", "response.in_progress", "sequence_number", seq++,
                    "response", r.response("in_progress", arr(), null)));
            s.event("response.output_item.added", obj("type", "response.output_item.added",
                    "sequence_number", seq++, "output_index", 0,
                    "item", functionCall(itemId, callId, tool, "", "in_progress")));
            for (String fragment : toolArgumentFragments()) {
                s.event("response.function_call_arguments.delta", obj("type", "response.function_call_arguments.delta",
                        "sequence_number", seq++, "item_id", itemId, "output_index", 0, "delta", fragment));
            }
            s.event("response.function_call_arguments.done", obj("type", "response.function_call_arguments.done",
                    "sequence_number", seq++, "item_id", itemId, "output_index", 0, "name", tool,
                    "arguments", TOOL_ARGUMENTS));
            s.event("response.output_item.done", obj("type", "response.output_item.done",
                    "sequence_number", seq++, "output_index", 0, "item", done));
            s.event("response.completed", obj("type", "response.completed", "sequence_number", seq,
                    "response", r.response("completed", arr(done), responsesUsage())));
        }
    }

    private static ObjectNode functionCall(String itemId, String callId, String name, String arguments, String status) {
        return obj("id", itemId, "type", "function_call", "status", status, "arguments", arguments,
                "call_id", callId, "name", name);
    }

    private record ResponseMaker(String id, String messageId, long createdAt, String model, String instructions) {
        ObjectNode response(String status, ArrayNode output, ObjectNode usage) {
            return obj("id", id, "object", "response", "created_at", createdAt, "status", status,
                    "background", false, "error", null, "incomplete_details", null, "instructions", instructions,
                    "max_output_tokens", null, "max_tool_calls", null, "model", model, "output", output,
                    "parallel_tool_calls", true, "previous_response_id", null, "prompt_cache_key", null,
                    "reasoning", obj("effort", null, "summary", null), "safety_identifier", null,
                    "service_tier", "default", "store", true, "temperature", 1.0,
                    "text", obj("format", obj("type", "text"), "verbosity", "medium"),
                    "tool_choice", "auto", "tools", arr(), "top_logprobs", 0, "top_p", 1.0,
                    "truncation", "disabled", "usage", usage, "user", null, "metadata", obj());
        }

        /** The assistant message item; text null = not started yet (content []). */
        ObjectNode message(String status, String text) {
            return obj("id", messageId, "type", "message", "status", status,
                    "content", text == null ? arr() : arr(textPart(text)), "role", "assistant");
        }

        ObjectNode partEvent(String type, int seq, String key, Object value) {
            return obj("type", type, "sequence_number", seq, "item_id", messageId, "output_index", 0,
                    "content_index", 0, key, value);
        }
    }

    private static ObjectNode textPart(String text) {
        return obj("type", "output_text", "annotations", arr(), "logprobs", arr(), "text", text);
    }

    private static ObjectNode responsesUsage() {
        return obj("input_tokens", INPUT_TOKENS, "input_tokens_details", obj("cached_tokens", 0, "cache_write_tokens", 0),
                "output_tokens", OUTPUT_TOKENS, "output_tokens_details", obj("reasoning_tokens", 0),
                "total_tokens", TOTAL_TOKENS);
    }
}
