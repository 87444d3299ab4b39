package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Content blocks shared by requests and responses: text, image, document, thinking, tool_use and tool_result, in
 * both directions. Decoders return null for a block the IR cannot hold (after noting it); encoders append nothing
 * for content Claude cannot hold (after noting it), so an empty block never reaches the API.
 */
final class ClaudeBlocks {

    private ClaudeBlocks() {}

    // ---- decode ------------------------------------------------------------------------------------------------

    static void noteBlockExtras(JsonNode block, LossReport loss) {
        if (ClaudeJson.present(block, "cache_control")) {
            loss.drop("cache_control");
        }
        if (ClaudeJson.present(block, "citations")) {
            loss.drop("citations");
        }
    }

    static Content.Text decodeText(JsonNode block) throws TransformException {
        String text = ClaudeJson.string(block, "text", "text block");
        return text == null || text.isEmpty() ? null : new Content.Text(text);
    }

    static Content.Image decodeImage(JsonNode block, LossReport loss) throws TransformException {
        JsonNode source = source(block, "image");
        String type = ClaudeJson.string(source, "type", "image.source");
        switch (type == null ? "" : type) {
            case "base64":
                return new Content.Image(ClaudeJson.string(source, "media_type", "image.source"),
                        ClaudeJson.string(source, "data", "image.source"), null, null, null);
            case "url":
                return new Content.Image(null, null, ClaudeJson.string(source, "url", "image.source"), null, null);
            case "file":
                return new Content.Image(null, null, null, ClaudeJson.string(source, "file_id", "image.source"), null);
            default:
                loss.drop("image.source." + type);
                return null;
        }
    }

    static Content.Document decodeDocument(JsonNode block, LossReport loss) throws TransformException {
        JsonNode source = source(block, "document");
        String title = ClaudeJson.string(block, "title", "document");
        if (ClaudeJson.present(block, "context")) {
            loss.drop("document.context");
        }
        String type = ClaudeJson.string(source, "type", "document.source");
        switch (type == null ? "" : type) {
            case "base64":
                return new Content.Document(ClaudeJson.string(source, "media_type", "document.source"),
                        ClaudeJson.string(source, "data", "document.source"), null, null, title, null);
            case "text":
                return new Content.Document("text/plain", null, null, null, title,
                        ClaudeJson.string(source, "data", "document.source"));
            case "url":
                return new Content.Document("application/pdf", null,
                        ClaudeJson.string(source, "url", "document.source"), null, title, null);
            case "file":
                return new Content.Document(null, null, null,
                        ClaudeJson.string(source, "file_id", "document.source"), title, null);
            case "content":
                return contentDocument(source, title, loss);
            default:
                loss.drop("document.source." + type);
                return null;
        }
    }

    /** A custom-content document keeps its text; images inside it have no place in an IR document. */
    private static Content.Document contentDocument(JsonNode source, String title, LossReport loss)
            throws TransformException {
        JsonNode content = source.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && content.isTextual()) {
            text.append(content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode item : content) {
                if ("text".equals(ClaudeJson.lenientString(item, "type"))) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(ClaudeJson.string(item, "text", "document.source.content"));
                } else {
                    loss.drop("document.source.content.image");
                }
            }
        } else {
            throw new TransformException("document.source.content must be a string or an array");
        }
        return new Content.Document("text/plain", null, null, null, title, text.toString());
    }

    private static JsonNode source(JsonNode block, String what) throws TransformException {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw new TransformException(what + ".source must be an object");
        }
        return source;
    }

    /** Tool input objects become the IR's argument text; a missing input is an empty object. */
    static Content.ToolCall decodeToolUse(JsonNode block) throws TransformException {
        String id = ClaudeJson.string(block, "id", "tool_use");
        String name = ClaudeJson.string(block, "name", "tool_use");
        if (name == null) {
            throw new TransformException("tool_use.name is required");
        }
        JsonNode input = block.get("input");
        String arguments = input == null || input.isNull() ? "{}" : ClaudeJson.write(input);
        return new Content.ToolCall(id, name, arguments, false);
    }

    static Content.Reasoning decodeThinking(JsonNode block) throws TransformException {
        return new Content.Reasoning(ClaudeJson.string(block, "thinking", "thinking"),
                ClaudeJson.string(block, "signature", "thinking"), null, false);
    }

    static Content.Reasoning decodeRedactedThinking(JsonNode block) throws TransformException {
        return new Content.Reasoning(null, null, ClaudeJson.string(block, "data", "redacted_thinking"), false);
    }

    /** {@code content} of a tool_result: a string or text/image/document blocks. */
    static List<Content> decodeToolResultContent(JsonNode block, LossReport loss) throws TransformException {
        JsonNode content = block.get("content");
        List<Content> out = new ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.add(new Content.Text(content.asText()));
            }
            return out;
        }
        if (!content.isArray()) {
            throw new TransformException("tool_result.content must be a string or an array");
        }
        for (JsonNode item : content) {
            if (!item.isObject()) {
                throw new TransformException("tool_result.content items must be objects");
            }
            noteBlockExtras(item, loss);
            String type = ClaudeJson.string(item, "type", "tool_result.content[]");
            Content c = switch (type == null ? "" : type) {
                case "text" -> decodeText(item);
                case "image" -> decodeImage(item, loss);
                case "document" -> decodeDocument(item, loss);
                default -> {
                    loss.drop("tool_result.content." + type);
                    yield null;
                }
            };
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    // ---- encode ------------------------------------------------------------------------------------------------

    static void appendText(String text, ArrayNode out) {
        if (text != null && !text.isEmpty()) {
            ObjectNode b = out.addObject();
            b.put("type", "text");
            b.put("text", text);
        }
    }

    static void appendImage(Content.Image image, ArrayNode out, LossReport loss) {
        if (image.detail() != null) {
            loss.drop("image.detail");
        }
        ObjectNode source = ClaudeJson.object();
        if (image.data() != null) {
            base64(source, image.mediaType() != null ? image.mediaType() : sniffImageType(image.data()), image.data());
        } else if (image.url() != null && image.url().startsWith("data:")) {
            String[] parsed = parseDataUrl(image.url());
            if (parsed == null) {
                loss.drop("image.url");
                return;
            }
            base64(source, parsed[0], parsed[1]);
        } else if (image.url() != null) {
            source.put("type", "url");
            source.put("url", image.url());
        } else if (image.fileId() != null) {
            source.put("type", "file");
            source.put("file_id", image.fileId());
        } else {
            loss.drop("image");
            return;
        }
        ObjectNode b = out.addObject();
        b.put("type", "image");
        b.set("source", source);
    }

    /**
     * Claude takes PDFs as base64 or URL, plain text as a text source; other inline types (Word, spreadsheets) have
     * no Claude source and are dropped.
     */
    static void appendDocument(Content.Document doc, ArrayNode out, LossReport loss) {
        ObjectNode source = ClaudeJson.object();
        if (doc.text() != null) {
            textSource(source, doc.text());
        } else if (doc.data() != null || (doc.url() != null && doc.url().startsWith("data:"))) {
            String mediaType = doc.mediaType();
            String data = doc.data();
            if (data == null) {
                String[] parsed = parseDataUrl(doc.url());
                if (parsed == null) {
                    loss.drop("document.url");
                    return;
                }
                mediaType = parsed[0];
                data = parsed[1];
            }
            if (mediaType == null || mediaType.equals("application/pdf")) {
                base64(source, "application/pdf", data);
            } else if (mediaType.startsWith("text/")) {
                String text = decodeBase64Text(data);
                if (text == null) {
                    loss.drop("document.data");
                    return;
                }
                textSource(source, text);
            } else {
                loss.drop("document(" + mediaType + ")");
                return;
            }
        } else if (doc.url() != null) {
            source.put("type", "url");
            source.put("url", doc.url());
        } else if (doc.fileId() != null) {
            source.put("type", "file");
            source.put("file_id", doc.fileId());
        } else {
            loss.drop("document");
            return;
        }
        ObjectNode b = out.addObject();
        b.put("type", "document");
        b.set("source", source);
        if (doc.filename() != null && !doc.filename().isEmpty()) {
            b.put("title", doc.filename());
        }
    }

    /** Arguments that are not a JSON object become {@code {}}: the call itself must never be lost. */
    static void appendToolUse(Content.ToolCall call, ArrayNode out, ClaudeToolIds ids, LossReport loss) {
        ObjectNode input = ClaudeJson.parseObject(call.arguments());
        if (input == null) {
            if (call.arguments() != null && !call.arguments().isBlank()) {
                loss.drop("tool_call.arguments");
            }
            input = ClaudeJson.object();
        }
        ObjectNode b = out.addObject();
        b.put("type", "tool_use");
        b.put("id", ids.forCall(call.id()));
        b.put("name", call.name());
        b.set("input", input);
    }

    /**
     * @param toApi the block goes to the Claude API, which rejects thinking without a valid signature: unsigned
     *              reasoning (no signature, or the empty one a Claude client echoes back) is dropped there, while a
     *              client answer keeps it visible with an empty signature
     */
    static void appendReasoning(Content.Reasoning r, ArrayNode out, boolean toApi, LossReport loss) {
        boolean hasText = r.text() != null && !r.text().isEmpty();
        boolean signed = toApi ? r.signature() != null && !r.signature().isEmpty() : r.signature() != null;
        if (signed || (hasText && !toApi)) {
            ObjectNode b = out.addObject();
            b.put("type", "thinking");
            b.put("thinking", r.text() == null ? "" : r.text());
            b.put("signature", r.signature() == null ? "" : r.signature());
        } else if (hasText) {
            loss.drop("reasoning(unsigned)");
        }
        if (r.encrypted() != null && !r.encrypted().isEmpty()) {
            ObjectNode b = out.addObject();
            b.put("type", "redacted_thinking");
            b.put("data", r.encrypted());
        }
    }

    static void appendToolResult(Content.ToolResult result, ArrayNode out, ClaudeToolIds ids, LossReport loss) {
        ObjectNode b = out.addObject();
        b.put("type", "tool_result");
        b.put("tool_use_id", ids.forResult(result.callId()));
        List<Content> content = result.content() == null ? List.of() : result.content();
        if (content.size() == 1 && content.get(0) instanceof Content.Text t && !t.text().isEmpty()) {
            b.put("content", t.text());
        } else {
            ArrayNode blocks = ClaudeJson.array();
            for (Content c : content) {
                switch (c) {
                    case Content.Text t -> appendText(t.text(), blocks);
                    case Content.Image i -> appendImage(i, blocks, loss);
                    case Content.Document d -> appendDocument(d, blocks, loss);
                    case Content.Refusal rf -> appendText(rf.text(), blocks);
                    default -> loss.drop("tool_result.content." + kindName(c));
                }
            }
            if (!blocks.isEmpty()) {
                b.set("content", blocks);
            }
        }
        if (result.isError()) {
            b.put("is_error", true);
        }
    }

    static String kindName(Content c) {
        return c.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void base64(ObjectNode source, String mediaType, String data) {
        source.put("type", "base64");
        source.put("media_type", mediaType);
        source.put("data", data);
    }

    private static void textSource(ObjectNode source, String text) {
        source.put("type", "text");
        source.put("media_type", "text/plain");
        source.put("data", text);
    }

    /** {@code data:<mime>;base64,<payload>} to {mime, payload}; null when not a base64 data URL. */
    static String[] parseDataUrl(String url) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0) {
            return null;
        }
        String meta = url.substring(5, comma);
        if (!meta.endsWith(";base64")) {
            return null;
        }
        String mime = meta.substring(0, meta.length() - ";base64".length());
        return new String[] {mime.isEmpty() ? "application/octet-stream" : mime, url.substring(comma + 1)};
    }

    /** Claude requires a media type for inline images; the magic bytes tell it when the source did not. */
    static String sniffImageType(String base64) {
        if (base64.startsWith("/9j/")) {
            return "image/jpeg";
        }
        if (base64.startsWith("R0lGOD")) {
            return "image/gif";
        }
        if (base64.startsWith("UklGR")) {
            return "image/webp";
        }
        return "image/png";
    }

    private static String decodeBase64Text(String data) {
        try {
            return new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
