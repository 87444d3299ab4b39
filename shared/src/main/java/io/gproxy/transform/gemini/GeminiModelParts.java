package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.OpaqueReasoning;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@code model} turn (request history or response candidate) as IR content, in order.
 *
 * <p>Thought signatures: a {@code thought:true} part is IR reasoning with its signature. A signature on any other
 * part (the functionCall of a Gemini 3 tool turn, the last text part, an empty trailing text part) becomes a
 * signature-only reasoning block placed right before that part's content, so that encoders can put it back on the
 * same part — Gemini 3 rejects a replayed function call whose signature moved (peers.md §C.26).
 */
final class GeminiModelParts {
    private GeminiModelParts() {}

    static List<Content> decode(JsonNode parts, GeminiCallIds ids, LossReport loss) throws TransformException {
        List<Content> out = new ArrayList<>();
        if (parts == null || parts.isNull() || parts.isMissingNode()) {
            return out;
        }
        if (!parts.isArray()) {
            throw new TransformException("content.parts must be an array");
        }
        for (JsonNode part : parts) {
            if (!part.isObject()) {
                throw new TransformException("content.parts[] must be objects");
            }
            decodePart(part, ids, loss, out);
        }
        return out;
    }

    private static void decodePart(JsonNode part, GeminiCallIds ids, LossReport loss, List<Content> out)
            throws TransformException {
        String signature = GeminiMappings.textOrNull(part, "thoughtSignature");
        boolean thought = part.path("thought").asBoolean(false);
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
            String t = text.asText();
            if (thought) {
                if (!t.isEmpty() || signature != null) {
                    out.add(reasoning(t.isEmpty() ? null : t, signature));
                }
            } else {
                addSignature(signature, out);
                if (!t.isEmpty()) {
                    out.add(new Content.Text(t));
                }
            }
            return;
        }
        JsonNode call = part.get("functionCall");
        if (call != null && call.isObject()) {
            String name = GeminiMappings.textOrNull(call, "name");
            if (name == null) {
                throw new TransformException("functionCall.name is required");
            }
            addSignature(signature, out);
            JsonNode args = call.get("args");
            String arguments = args == null || args.isNull() ? "{}" : GeminiMappings.write(args);
            out.add(new Content.ToolCall(ids.forCall(GeminiMappings.textOrNull(call, "id"), name), name, arguments,
                    false));
            return;
        }
        Content media = GeminiMedia.decode(part);
        if (media != null) {
            addSignature(signature, out);
            out.add(media);
            return;
        }
        if (part.has("executableCode") || part.has("codeExecutionResult")) {
            loss.drop(part.has("executableCode") ? "executableCode" : "codeExecutionResult");
        } else if (part.has("functionResponse")) {
            loss.drop("model.functionResponse");
        } else if (signature == null) {
            part.fieldNames().forEachRemaining(f -> loss.drop("parts." + f));
        }
        addSignature(signature, out);
    }

    private static void addSignature(String signature, List<Content> out) {
        if (signature != null) {
            out.add(reasoning(null, signature));
        }
    }

    /**
     * A thought signature is Google's, unless it is another provider's value the gateway wrapped for this client
     * ({@link OpaqueReasoning}).
     */
    static Content.Reasoning reasoning(String text, String thoughtSignature) {
        OpaqueReasoning.Opaque wrapped = OpaqueReasoning.unwrap(thoughtSignature);
        if (wrapped != null) {
            return new Content.Reasoning(text, wrapped.signature(), wrapped.encrypted(), false, wrapped.origin());
        }
        return new Content.Reasoning(text, thoughtSignature, null, false,
                thoughtSignature == null ? null : OpaqueReasoning.GOOGLE);
    }
}
