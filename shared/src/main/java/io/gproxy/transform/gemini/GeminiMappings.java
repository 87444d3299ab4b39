package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Usage;

import java.util.Set;

/** Finish reasons, usage and small JSON helpers shared by the Gemini request, response and stream codecs. */
final class GeminiMappings {
    static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();

    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");
    private static final Set<String> TOOL_ERRORS =
            Set.of("MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS");

    private GeminiMappings() {}

    /**
     * Gemini reports STOP when the model called functions; the IR says TOOL_CALLS then (surface.md §8.15). The
     * function-call error reasons also mean "the turn ended on a tool call" for the client.
     */
    static FinishReason finishFromGemini(String reason, boolean calledTools) {
        if (reason == null || reason.isEmpty() || reason.equals("FINISH_REASON_UNSPECIFIED")) {
            return null;
        }
        if (reason.equals("MAX_TOKENS")) {
            return FinishReason.LENGTH;
        }
        if (FILTERED.contains(reason)) {
            return FinishReason.CONTENT_FILTER;
        }
        if (TOOL_ERRORS.contains(reason)) {
            return FinishReason.TOOL_CALLS;
        }
        return calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    }

    static String finishToGemini(FinishReason reason) {
        if (reason == null) {
            return "STOP";
        }
        return switch (reason) {
            case STOP, TOOL_CALLS -> "STOP";
            case LENGTH -> "MAX_TOKENS";
            case CONTENT_FILTER -> "SAFETY";
            case ERROR -> "OTHER";
        };
    }

    /**
     * {@code promptTokenCount} already includes cached tokens (OpenAI semantics, like the IR); prompt tokens spent on
     * tool-use results are prompt tokens too. Gemini counts thoughts apart from candidates; the IR's output includes
     * reasoning. Returns {@link Usage#EMPTY} when nothing is counted (intermediate stream chunks often carry only
     * {@code trafficType}).
     */
    static Usage usageFromGemini(JsonNode meta) {
        if (meta == null || !meta.isObject()) {
            return Usage.EMPTY;
        }
        Long prompt = longOrNull(meta.get("promptTokenCount"));
        Long toolPrompt = longOrNull(meta.get("toolUsePromptTokenCount"));
        Long candidates = longOrNull(meta.get("candidatesTokenCount"));
        Long thoughts = longOrNull(meta.get("thoughtsTokenCount"));
        Long cached = longOrNull(meta.get("cachedContentTokenCount"));
        Long input = prompt == null && toolPrompt == null ? null : Usage.nz(prompt) + Usage.nz(toolPrompt);
        Long output = candidates == null && thoughts == null ? null : Usage.nz(candidates) + Usage.nz(thoughts);
        return new Usage(input, output, cached, null, null, thoughts);
    }

    /** Null when the usage is empty (the field is then omitted). */
    static ObjectNode usageToGemini(Usage usage) {
        if (usage == null || usage.isEmpty()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        out.put("promptTokenCount", Usage.nz(usage.inputTokens()));
        if (usage.outputTokens() != null || usage.reasoningTokens() != null) {
            long candidates = Math.max(0, Usage.nz(usage.outputTokens()) - Usage.nz(usage.reasoningTokens()));
            out.put("candidatesTokenCount", candidates);
        }
        out.put("totalTokenCount", usage.totalTokens());
        if (usage.cacheReadTokens() != null) {
            out.put("cachedContentTokenCount", usage.cacheReadTokens());
        }
        if (usage.reasoningTokens() != null) {
            out.put("thoughtsTokenCount", usage.reasoningTokens());
        }
        return out;
    }

    static Long longOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.asLong() : null;
    }

    static String textOrNull(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** JSON text of a value; a JSON string stays the raw string (a tool's textual output is not re-quoted). */
    static String asText(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        return value.isTextual() ? value.asText() : write(value);
    }

    static String write(JsonNode value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tool-call arguments as an object: IR arguments are JSON text, Gemini wants {@code args} as an object. */
    static ObjectNode parseArgs(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            return parsed instanceof ObjectNode o ? o : NODES.objectNode();
        } catch (Exception e) {
            return NODES.objectNode();
        }
    }

    /** The mid-stream error frame a Gemini SSE client gets (surface.md §2.5). */
    static String errorFrame() {
        ObjectNode error = NODES.objectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("code", 502);
        inner.put("status", "UNAVAILABLE");
        inner.put("message", "upstream request failed");
        return write(error);
    }
}
