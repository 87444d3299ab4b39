package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Usage;

/**
 * The Responses {@code response} object and its status ⇔ IR finish reason mapping, shared by the non-stream encoder
 * and the stream encoder's lifecycle events.
 *
 * <p>Written fields are the ones openai-java's {@code Response.validate()} requires ({@code id},
 * {@code created_at}, {@code model}, {@code object}, {@code output}, {@code parallel_tool_calls},
 * {@code tool_choice}, {@code tools}) plus the nullable ones the real API always sends. The request's own tool
 * settings are not known here, so the API defaults are reported.
 */
final class ResponseEnvelope {
    private ResponseEnvelope() {}

    static ObjectNode build(String id, long createdAt, String model, String status, ArrayNode output, Usage usage) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.putNull("instructions");
        r.putNull("max_output_tokens");
        r.put("model", model);
        r.set("output", output);
        r.put("parallel_tool_calls", true);
        r.putNull("previous_response_id");
        r.putObject("reasoning").putNull("effort").putNull("summary");
        r.put("store", false);
        r.putNull("temperature");
        r.putObject("text").putObject("format").put("type", "text");
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.putNull("top_p");
        r.put("truncation", "disabled");
        if (usage == null) {
            r.putNull("usage");
        } else {
            r.set("usage", ResponsesUsage.encode(usage));
        }
        r.putNull("user");
        r.putObject("metadata");
        return r;
    }

    /** Status, {@code incomplete_details} and {@code error} for a finish reason. */
    static void applyFinish(ObjectNode response, FinishReason finish) {
        if (finish == null) {
            response.put("status", "completed");
            return;
        }
        switch (finish) {
            case STOP, TOOL_CALLS -> response.put("status", "completed");
            case LENGTH -> incomplete(response, "max_output_tokens");
            case CONTENT_FILTER -> incomplete(response, "content_filter");
            case ERROR -> failed(response, "server_error", "the upstream model failed to generate a response");
        }
    }

    static void incomplete(ObjectNode response, String reason) {
        response.put("status", "incomplete");
        response.putObject("incomplete_details").put("reason", reason);
    }

    static void failed(ObjectNode response, String code, String message) {
        response.put("status", "failed");
        response.putObject("error").put("code", code).put("message", message);
    }

    /** The terminal stream event for a response status. */
    static String terminalEvent(String status) {
        return switch (status) {
            case "incomplete" -> "response.incomplete";
            case "failed" -> "response.failed";
            default -> "response.completed";
        };
    }

    /**
     * spec/surface.md §4.11: any function or custom tool call in the output ⇒ TOOL_CALLS; {@code incomplete} ⇒
     * LENGTH or CONTENT_FILTER by its reason; {@code failed}/{@code cancelled} ⇒ ERROR; else STOP. Null while the
     * response is still queued or in progress.
     */
    static FinishReason finishOf(JsonNode response, boolean sawToolCall) {
        String status = response.path("status").asText("completed");
        if (status.equals("failed") || status.equals("cancelled")) {
            return FinishReason.ERROR;
        }
        if (sawToolCall || hasToolCall(response.path("output"))) {
            return FinishReason.TOOL_CALLS;
        }
        return switch (status) {
            case "incomplete" -> "content_filter".equals(response.path("incomplete_details").path("reason").asText())
                    ? FinishReason.CONTENT_FILTER : FinishReason.LENGTH;
            case "queued", "in_progress" -> null;
            default -> FinishReason.STOP;
        };
    }

    static boolean hasToolCall(JsonNode output) {
        if (output != null && output.isArray()) {
            for (JsonNode item : output) {
                String type = item.path("type").asText();
                if (type.equals("function_call") || type.equals("custom_tool_call")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Item ids are derived from the response id: {@code msg_<base>_<n>}, {@code rs_...}, {@code fc_...}. */
    static String itemId(String prefix, String responseId, int index) {
        String base = responseId.startsWith("resp_") ? responseId.substring(5) : responseId;
        return prefix + "_" + base + "_" + index;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        part.put("text", text);
        return part;
    }

    static ObjectNode refusalPart(String refusal) {
        return Json.MAPPER.createObjectNode().put("type", "refusal").put("refusal", refusal);
    }

    static ObjectNode messageItem(String id, String status, ArrayNode content) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", id).put("type", "message").put("status", status);
        item.set("content", content);
        item.put("role", "assistant");
        return item;
    }

    static ObjectNode toolCallItem(String id, String status, String callId, String name, String arguments,
                                   boolean custom) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", id);
        if (custom) {
            item.put("type", "custom_tool_call").put("status", status).put("call_id", callId).put("name", name)
                    .put("input", arguments);
        } else {
            item.put("type", "function_call").put("status", status).put("arguments", arguments)
                    .put("call_id", callId).put("name", name);
        }
        return item;
    }
}
