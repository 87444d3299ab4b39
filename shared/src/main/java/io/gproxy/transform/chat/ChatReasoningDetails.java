package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.OpaqueReasoning;

import java.util.ArrayList;
import java.util.List;

/**
 * Reasoning on a Chat assistant message, through the two de-facto extensions: DeepSeek's {@code reasoning_content}
 * (plain text, what most Chat clients display) and OpenRouter's {@code reasoning_details} (typed entries that also
 * carry signatures and encrypted reasoning, which must round-trip unchanged).
 *
 * <p>One IR reasoning block may need several details (a summary and its encrypted content); they share an
 * {@code id} so the decoder can put the block back together.
 */
final class ChatReasoningDetails {
    static final String TEXT = "reasoning.text";
    static final String SUMMARY = "reasoning.summary";
    static final String ENCRYPTED = "reasoning.encrypted";

    private ChatReasoningDetails() {}

    /** The reasoning blocks of an assistant message (or response message), in order. */
    static List<Content.Reasoning> decode(JsonNode message, TransformContext ctx) {
        String plain = ChatNodes.text(message, "reasoning_content");
        if (plain == null) {
            plain = ChatNodes.text(message, "reasoning"); // OpenRouter's name for the same text
        }
        List<Block> blocks = new ArrayList<>();
        JsonNode details = message.get("reasoning_details");
        if (details != null && details.isArray()) {
            for (JsonNode d : details) {
                Block next = Block.of(d, ctx);
                if (next == null) {
                    continue;
                }
                Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
                if (last == null || !last.absorb(next)) {
                    blocks.add(next);
                }
            }
        }
        boolean detailsHaveText = blocks.stream().anyMatch(b -> b.text != null);
        if (!isEmpty(plain) && !detailsHaveText) {
            // reasoning_content is the text, details only carried the signature (or nothing)
            Block first = blocks.isEmpty() ? null : blocks.get(0);
            if (first != null && !first.summary && first.encrypted == null) {
                first.text = plain;
            } else {
                blocks.add(0, new Block(null, plain, false, null, null, null));
            }
        }
        List<Content.Reasoning> out = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            out.add(new Content.Reasoning(b.text, b.signature, b.encrypted, b.summary, b.origin));
        }
        return out;
    }

    /**
     * Writes {@code reasoning_content} and {@code reasoning_details} onto {@code message}; nothing when empty. Each
     * detail names the origin of the block's opaque values in {@code format}, OpenRouter's convention, so a
     * signature keeps its origin through a Chat client (and an OpenRouter upstream knows whose it is).
     */
    static void encode(List<Content.Reasoning> blocks, ObjectNode message) {
        StringBuilder plain = new StringBuilder();
        ArrayNode details = ChatNodes.array();
        int n = 0;
        for (Content.Reasoning r : blocks) {
            String id = "reasoning_" + n;
            boolean hasText = !isEmpty(r.text());
            if (hasText) {
                if (!plain.isEmpty()) {
                    plain.append('\n');
                }
                plain.append(r.text());
            }
            if (hasText && r.summary()) {
                details.add(detail(SUMMARY, id, n, r.origin()).put("summary", r.text()));
            }
            if ((hasText && !r.summary()) || r.signature() != null) {
                ObjectNode d = detail(TEXT, id, n, r.origin());
                if (hasText && !r.summary()) {
                    d.put("text", r.text());
                }
                ChatNodes.putIfNotNull(d, "signature", r.signature());
                details.add(d);
            }
            if (r.encrypted() != null) {
                details.add(detail(ENCRYPTED, id, n, r.origin()).put("data", r.encrypted()));
            }
            if (hasText || r.signature() != null || r.encrypted() != null) {
                n++;
            }
        }
        if (!plain.isEmpty()) {
            message.put("reasoning_content", plain.toString());
        }
        if (!details.isEmpty()) {
            message.set("reasoning_details", details);
        }
    }

    static ObjectNode detail(String type, String id, int index, String origin) {
        ObjectNode d = ChatNodes.object().put("type", type);
        ChatNodes.putIfNotNull(d, "id", id);
        ChatNodes.putIfNotNull(d, "format", origin);
        d.put("index", index);
        return d;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static String nonEmpty(String s) {
        return isEmpty(s) ? null : s;
    }

    /** One reasoning block being rebuilt from its details. */
    private static final class Block {
        final String id;
        String text;
        boolean summary;
        String signature;
        String encrypted;
        String origin;

        Block(String id, String text, boolean summary, String signature, String encrypted, String origin) {
            this.id = id;
            this.text = text;
            this.summary = summary;
            this.signature = signature;
            this.encrypted = encrypted;
            this.origin = origin;
        }

        static Block of(JsonNode d, TransformContext ctx) {
            if (!d.isObject()) {
                return null;
            }
            String type = ChatNodes.text(d, "type");
            String id = ChatNodes.text(d, "id");
            String origin = OpaqueReasoning.originOf(ChatNodes.text(d, "format"));
            Block b;
            if (TEXT.equals(type)) {
                b = new Block(id, nonEmpty(ChatNodes.text(d, "text")), false, nonEmpty(ChatNodes.text(d, "signature")),
                        null, origin);
            } else if (SUMMARY.equals(type)) {
                b = new Block(id, nonEmpty(ChatNodes.text(d, "summary")), true, null, null, origin);
            } else if (ENCRYPTED.equals(type)) {
                b = new Block(id, null, false, null, nonEmpty(ChatNodes.text(d, "data")), origin);
            } else {
                ctx.loss().drop("reasoning_details[]." + type);
                return null;
            }
            return b.text == null && b.signature == null && b.encrypted == null ? null : b;
        }

        /** Merges a detail of the same block (same id) when it fills only fields still empty. */
        boolean absorb(Block next) {
            if (id == null || !id.equals(next.id)) {
                return false;
            }
            if ((next.text != null && text != null) || (next.signature != null && signature != null)
                    || (next.encrypted != null && encrypted != null)) {
                return false;
            }
            if (next.text != null) {
                text = next.text;
                summary = next.summary;
            }
            if (next.signature != null) {
                signature = next.signature;
            }
            if (next.encrypted != null) {
                encrypted = next.encrypted;
            }
            if (origin == null) {
                origin = next.origin;
            }
            return true;
        }
    }
}
