package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.Usage;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** A non-stream {@code GenerateContentResponse} ⇔ IR. Only the first candidate is carried. */
final class GeminiResponseCodec {
    private GeminiResponseCodec() {}

    static IrResponse decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("response body must be a JSON object");
        }
        LossReport loss = ctx.loss();
        JsonNode candidates = body.get("candidates");
        if (candidates != null && !candidates.isNull() && !candidates.isArray()) {
            throw new TransformException("candidates must be an array");
        }
        Usage usage = GeminiMappings.usageFromGemini(body.get("usageMetadata"));
        String id = GeminiMappings.textOrNull(body, "responseId");
        String model = GeminiMappings.textOrNull(body, "modelVersion");
        long created = createTime(GeminiMappings.textOrNull(body, "createTime"));
        if (candidates == null || candidates.isNull() || candidates.isEmpty()) {
            // a blocked prompt has no candidate, only promptFeedback.blockReason (surface.md §8.16)
            boolean blocked = GeminiMappings.textOrNull(body.path("promptFeedback"), "blockReason") != null;
            return new IrResponse(id, model, List.of(), blocked ? FinishReason.CONTENT_FILTER : null, usage,
                    created);
        }
        if (candidates.size() > 1) {
            loss.drop("candidates");
        }
        JsonNode candidate = candidates.get(0);
        if (!candidate.isObject()) {
            throw new TransformException("candidates[] must be objects");
        }
        for (String metadata : List.of("groundingMetadata", "citationMetadata", "urlContextMetadata")) {
            if (candidate.has(metadata)) {
                loss.drop(metadata);
            }
        }
        List<Content> content = GeminiModelParts.decode(candidate.path("content").get("parts"), new GeminiCallIds(),
                loss);
        boolean calledTools = content.stream().anyMatch(c -> c instanceof Content.ToolCall);
        FinishReason finish = GeminiMappings.finishFromGemini(
                GeminiMappings.textOrNull(candidate, "finishReason"), calledTools);
        return new IrResponse(id, model, content, finish, usage, created);
    }

    static ObjectNode encode(IrResponse response, TransformContext ctx) {
        ObjectNode body = GeminiMappings.NODES.objectNode();
        ArrayNode candidates = body.putArray("candidates");
        ObjectNode candidate = candidates.addObject();
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        content.set("parts", GeminiModelPartEncoder.encode(response.content(), ctx.loss(), null, false));
        candidate.put("finishReason", GeminiMappings.finishToGemini(response.finish()));
        candidate.put("index", 0);
        if (Usage.nz(response.usage().cacheCreation5mTokens()) + Usage.nz(response.usage().cacheCreation1hTokens()) > 0) {
            ctx.loss().drop("usage.cache_creation"); // Gemini has no cache-write counter (they stay in the prompt count)
        }
        ObjectNode usage = GeminiMappings.usageToGemini(response.usage());
        if (usage != null) {
            body.set("usageMetadata", usage);
        }
        if (response.model() != null) {
            body.put("modelVersion", response.model());
        }
        if (response.id() != null) {
            body.put("responseId", response.id());
        }
        return body;
    }

    /** Vertex sends {@code createTime} (RFC 3339); the Gemini API sends none. */
    private static long createTime(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Instant.parse(value).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
