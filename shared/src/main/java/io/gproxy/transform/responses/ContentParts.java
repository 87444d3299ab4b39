package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;

import java.util.ArrayList;
import java.util.List;

/** Message content parts ({@code input_text}, {@code input_image}, ...) ⇔ IR content blocks. */
final class ContentParts {
    private ContentParts() {}

    /** A message's {@code content}: a string or an array of parts. Empty text is skipped. */
    static List<Content> decode(JsonNode content, LossReport loss) throws TransformException {
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
            throw new TransformException("message 'content' must be a string or an array");
        }
        for (JsonNode part : content) {
            Content c = decodePart(part, loss);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    static Content decodePart(JsonNode part, LossReport loss) throws TransformException {
        if (!part.isObject()) {
            throw new TransformException("content parts must be objects");
        }
        String type = JsonFields.strLenient(part, "type");
        if (type == null) {
            type = "";
        }
        switch (type) {
            case "input_text", "output_text", "text" -> {
                JsonNode annotations = part.get("annotations");
                if (annotations != null && annotations.isArray() && !annotations.isEmpty()) {
                    loss.drop("annotations");
                }
                String text = JsonFields.str(part, "text");
                return text == null || text.isEmpty() ? null : new Content.Text(text);
            }
            case "refusal" -> {
                String text = JsonFields.str(part, "refusal");
                return text == null || text.isEmpty() ? null : new Content.Refusal(text);
            }
            case "input_image" -> {
                String detail = JsonFields.str(part, "detail");
                String url = JsonFields.str(part, "image_url");
                String fileId = JsonFields.str(part, "file_id");
                DataUrl inline = DataUrl.parse(url);
                if (inline != null) {
                    return new Content.Image(inline.mediaType(), inline.data(), null, fileId, detail);
                }
                if (url == null && fileId == null) {
                    loss.drop("input_image");
                    return null;
                }
                return new Content.Image(null, null, url, fileId, detail);
            }
            case "input_file" -> {
                String fileData = JsonFields.str(part, "file_data");
                String fileUrl = JsonFields.str(part, "file_url");
                String fileId = JsonFields.str(part, "file_id");
                String filename = JsonFields.str(part, "filename");
                String mediaType = null;
                String data = null;
                if (fileData != null) {
                    DataUrl inline = DataUrl.parse(fileData);
                    mediaType = inline == null ? null : inline.mediaType();
                    data = inline == null ? fileData : inline.data();
                }
                if (data == null && fileUrl == null && fileId == null) {
                    loss.drop("input_file");
                    return null;
                }
                return new Content.Document(mediaType, data, fileUrl, fileId, filename, null);
            }
            case "input_audio" -> {
                JsonNode audio = part.path("input_audio");
                String data = audio.isObject() ? JsonFields.str(audio, "data") : null;
                if (data == null) {
                    loss.drop("input_audio");
                    return null;
                }
                return new Content.Audio(JsonFields.str(audio, "format"), data);
            }
            default -> {
                loss.drop("content." + (type.isEmpty() ? "unknown" : type));
                return null;
            }
        }
    }

    /**
     * One IR block as an input part, or null when it has no input form (the caller decides what that means).
     * {@code detail} is always written on images: the API and openai-java treat it as required.
     */
    static ObjectNode encodeInputPart(Content content, LossReport loss) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        switch (content) {
            case Content.Text t -> {
                if (t.text() == null || t.text().isEmpty()) {
                    return null;
                }
                part.put("type", "input_text").put("text", t.text());
            }
            case Content.Image img -> {
                part.put("type", "input_image").put("detail", img.detail() == null ? "auto" : img.detail());
                if (img.data() != null) {
                    part.put("image_url", DataUrl.of(img.mediaType() == null ? "image/png" : img.mediaType(), img.data()));
                } else if (img.url() != null) {
                    part.put("image_url", img.url());
                }
                if (img.fileId() != null) {
                    part.put("file_id", img.fileId());
                }
                if (!part.has("image_url") && !part.has("file_id")) {
                    loss.drop("image");
                    return null;
                }
            }
            case Content.Document doc -> {
                if (doc.data() == null && doc.url() == null && doc.fileId() == null) {
                    if (doc.text() == null || doc.text().isEmpty()) {
                        loss.drop("document");
                        return null;
                    }
                    if (doc.filename() != null) {
                        loss.drop("document.title");
                    }
                    part.put("type", "input_text").put("text", doc.text());
                    return part;
                }
                part.put("type", "input_file");
                if (doc.fileId() != null) {
                    part.put("file_id", doc.fileId());
                }
                if (doc.data() != null) {
                    part.put("file_data", doc.mediaType() == null ? doc.data() : DataUrl.of(doc.mediaType(), doc.data()));
                }
                if (doc.url() != null) {
                    part.put("file_url", doc.url());
                }
                if (doc.filename() != null) {
                    part.put("filename", doc.filename());
                }
            }
            case Content.Audio audio -> {
                part.put("type", "input_audio");
                ObjectNode inner = part.putObject("input_audio").put("data", audio.data());
                if (audio.format() != null) {
                    inner.put("format", audio.format());
                }
            }
            default -> {
                return null;
            }
        }
        return part;
    }

    /** Parts for a list of blocks; blocks without an input form are dropped and noted. */
    static ArrayNode encodeInputParts(List<Content> content, LossReport loss) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (Content c : content) {
            ObjectNode part = encodeInputPart(c, loss);
            if (part != null) {
                parts.add(part);
            } else if (!(c instanceof Content.Text t && (t.text() == null || t.text().isEmpty()))) {
                loss.drop(lossName(c));
            }
        }
        return parts;
    }

    static String lossName(Content c) {
        return switch (c) {
            case Content.Text t -> "text";
            case Content.Image i -> "image";
            case Content.Document d -> "document";
            case Content.Audio a -> "audio";
            case Content.ToolCall tc -> "tool_call";
            case Content.ToolResult tr -> "tool_result";
            case Content.Reasoning r -> "reasoning";
            case Content.Refusal r -> "refusal";
        };
    }
}
