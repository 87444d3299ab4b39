package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.OpaqueReasoning;

import java.util.List;
import java.util.Map;

/**
 * IR assistant content as the parts of a {@code model} turn: reasoning text as {@code thought:true} parts, and a
 * signature-only reasoning block's signature on the part that follows it (the inverse of {@link GeminiModelParts}).
 * A signature with nothing after it rides on an empty text part, as Gemini itself sends it.
 */
final class GeminiModelPartEncoder {
    private GeminiModelPartEncoder() {}

    /**
     * @param callNames collects call id → function name for the function responses that follow; may be null
     * @param toApi     the parts go to the Gemini API (request history), which rejects another provider's opaque
     *                  values; otherwise they go to a Gemini client, which gets foreign values wrapped
     */
    static ArrayNode encode(List<Content> contents, LossReport loss, Map<String, String> callNames, boolean toApi) {
        ArrayNode parts = GeminiMappings.NODES.arrayNode();
        String pending = null;
        for (Content content : contents) {
            ObjectNode part;
            switch (content) {
                case Content.Reasoning r -> {
                    String signature = signatureOf(r, loss, toApi);
                    if (r.text() == null || r.text().isEmpty()) {
                        if (signature != null) {
                            flush(parts, pending);
                            pending = signature;
                        }
                        continue;
                    }
                    // a pending signature belongs to a non-thought part: it keeps its own (empty) one
                    flush(parts, pending);
                    pending = null;
                    part = parts.addObject();
                    part.put("text", r.text());
                    part.put("thought", true);
                    if (signature != null) {
                        part.put("thoughtSignature", signature);
                    }
                    continue;
                }
                case Content.Text t -> {
                    if (t.text() == null || t.text().isEmpty()) {
                        continue;
                    }
                    part = parts.addObject().put("text", t.text());
                }
                case Content.Refusal r -> {
                    if (r.text() == null || r.text().isEmpty()) {
                        continue;
                    }
                    part = parts.addObject().put("text", r.text());
                }
                case Content.ToolCall call -> {
                    part = parts.addObject();
                    functionCall(part, call, loss);
                    if (callNames != null && call.id() != null) {
                        callNames.put(call.id(), call.name());
                    }
                }
                case Content.ToolResult ignored -> {
                    loss.drop("assistant.tool_result");
                    continue;
                }
                default -> {
                    part = GeminiMedia.encode(content, loss);
                    if (part == null) {
                        continue;
                    }
                    parts.add(part);
                }
            }
            if (pending != null) {
                part.put("thoughtSignature", pending);
                pending = null;
            }
        }
        flush(parts, pending);
        return parts;
    }

    static void functionCall(ObjectNode part, Content.ToolCall call, LossReport loss) {
        ObjectNode fc = part.putObject("functionCall");
        if (call.id() != null) {
            fc.put("id", call.id());
        }
        fc.put("name", call.name());
        if (call.custom()) {
            // a custom tool takes free text; it is declared to Gemini as a function with one string parameter
            ObjectNode args = fc.putObject("args");
            args.put("input", call.arguments() == null ? "" : call.arguments());
        } else {
            fc.set("args", GeminiMappings.parseArgs(call.arguments()));
        }
    }

    /**
     * Gemini has one opaque field, {@code thoughtSignature}. Toward the API only Google's values (or values of
     * unknown origin) are sent: the API rejects a foreign signature, so another provider's is dropped (a Gemini 3
     * function call then gets the documented skip value). Toward a client, a foreign value, or one that is not
     * canonical Base64 (the Gemini SDKs hold the field as bytes), travels {@link OpaqueReasoning#wrap wrapped},
     * signature and encrypted reasoning together, so it comes back with its origin. Otherwise encrypted reasoning
     * travels in the field when there is no signature (surface.md §4.6), and is lost when there is one.
     */
    static String signatureOf(Content.Reasoning r, LossReport loss, boolean toApi) {
        if (isEmpty(r.signature()) && isEmpty(r.encrypted())) {
            return null; // the empty signature of unsigned thinking a Claude client echoes back is no signature
        }
        if (isEmpty(r.signature()) || isEmpty(r.encrypted())) {
            r = new Content.Reasoning(r.text(), isEmpty(r.signature()) ? null : r.signature(),
                    isEmpty(r.encrypted()) ? null : r.encrypted(), r.summary(), r.origin());
        }
        if (toApi && !OpaqueReasoning.acceptedBy(r.origin(), OpaqueReasoning.GOOGLE)) {
            loss.drop("reasoning(foreign)");
            return null;
        }
        if (!toApi && (OpaqueReasoning.foreignTo(r.origin(), OpaqueReasoning.GOOGLE)
                || !OpaqueReasoning.isStandardBase64(r.signature() != null ? r.signature() : r.encrypted()))) {
            return OpaqueReasoning.wrap(r.origin(), r.signature(), r.encrypted());
        }
        if (r.signature() != null) {
            if (r.encrypted() != null) {
                loss.drop("reasoning.encrypted");
            }
            return r.signature();
        }
        return r.encrypted();
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static void flush(ArrayNode parts, String signature) {
        if (signature != null) {
            parts.addObject().put("text", "").put("thoughtSignature", signature);
        }
    }
}
