package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;

/**
 * Responses {@code reasoning} items ⇔ IR reasoning blocks. One item is one block: raw reasoning
 * ({@code content[].reasoning_text}) wins over the summary when an item has both; several summary parts are joined
 * with a blank line, as the API renders them.
 */
final class ReasoningItems {
    static final String PART_SEPARATOR = "\n\n";

    private ReasoningItems() {}

    /** Null when the item carries neither text nor opaque reasoning. */
    static Content.Reasoning decode(JsonNode item, LossReport loss) {
        String summary = join(item.get("summary"), "summary_text", PART_SEPARATOR);
        String raw = join(item.get("content"), "reasoning_text", "");
        ReasoningEnvelope.Opaque opaque = ReasoningEnvelope.unwrap(JsonFields.strLenient(item, "encrypted_content"));
        boolean isSummary = raw.isEmpty();
        String text = isSummary ? summary : raw;
        if (!raw.isEmpty() && !summary.isEmpty()) {
            loss.drop("reasoning.summary");
        }
        if (text.isEmpty() && opaque.signature() == null && opaque.encrypted() == null) {
            return null;
        }
        return new Content.Reasoning(text, opaque.signature(), opaque.encrypted(), isSummary && !text.isEmpty());
    }

    private static String join(JsonNode parts, String type, String separator) {
        if (parts == null || !parts.isArray()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (JsonNode part : parts) {
            String partType = part.path("type").asText("");
            if (!partType.equals(type) && !partType.equals("text")) {
                continue;
            }
            String text = part.path("text").asText("");
            if (text.isEmpty()) {
                continue;
            }
            if (!first) {
                sb.append(separator);
            }
            sb.append(text);
            first = false;
        }
        return sb.toString();
    }

    /**
     * A reasoning input item for a Responses upstream. It has no {@code id}: with {@code store:false} an item id
     * makes the API look the item up server-side and fail. A foreign signature means nothing to OpenAI and is
     * dropped; the text and OpenAI's own encrypted content are sent back.
     */
    static ObjectNode encodeInput(Content.Reasoning r, LossReport loss) {
        if (r.signature() != null) {
            loss.drop("reasoning.signature");
        }
        boolean hasText = r.text() != null && !r.text().isEmpty();
        if (!hasText && r.encrypted() == null) {
            return null;
        }
        ObjectNode item = Json.MAPPER.createObjectNode().put("type", "reasoning");
        writeText(item, r);
        if (r.encrypted() != null) {
            item.put("encrypted_content", r.encrypted());
        }
        return item;
    }

    /** A completed reasoning output item for a client; a signature travels inside {@code encrypted_content}. */
    static ObjectNode encodeOutput(String id, Content.Reasoning r) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", id).put("type", "reasoning");
        writeText(item, r);
        String opaque = ReasoningEnvelope.wrap(r.signature(), r.encrypted());
        if (opaque != null) {
            item.put("encrypted_content", opaque);
        }
        return item;
    }

    /** {@code summary} is always present (Codex and openai-java require it), possibly empty. */
    private static void writeText(ObjectNode item, Content.Reasoning r) {
        ArrayNode summary = item.putArray("summary");
        if (r.text() == null || r.text().isEmpty()) {
            return;
        }
        if (r.summary()) {
            summary.addObject().put("type", "summary_text").put("text", r.text());
        } else {
            item.putArray("content").addObject().put("type", "reasoning_text").put("text", r.text());
        }
    }
}
