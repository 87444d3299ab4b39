package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Message {@code content}: a string or an array of typed parts ({@code text}, {@code image_url},
 * {@code input_audio}, {@code file}). Empty text is dropped both ways.
 */
final class ChatContentParts {
    private ChatContentParts() {}

    /** User content: every part kind Chat has. */
    static List<Content> decodeUser(JsonNode content, TransformContext ctx, String where) throws TransformException {
        List<Content> out = new ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            addText(out, content.asText());
            return out;
        }
        if (!content.isArray()) {
            throw new TransformException(where + ".content must be a string or an array");
        }
        for (JsonNode part : content) {
            String type = ChatNodes.text(part, "type");
            if (type == null) {
                throw new TransformException(where + ".content[] part needs a type");
            }
            switch (type) {
                case "text" -> addText(out, ChatNodes.text(part, "text"));
                case "image_url" -> out.add(image(part.get("image_url"), where));
                case "input_audio" -> {
                    JsonNode audio = requireObject(part, "input_audio", where);
                    out.add(new Content.Audio(ChatNodes.text(audio, "format"), ChatNodes.text(audio, "data")));
                }
                case "file" -> out.add(file(requireObject(part, "file", where)));
                default -> ctx.loss().drop(where + ".content[]." + type);
            }
        }
        return out;
    }

    /** Content that can only be text (system, developer, tool); other parts are dropped and noted. */
    static List<Content> decodeText(JsonNode content, TransformContext ctx, String where) throws TransformException {
        List<Content> out = new ArrayList<>();
        if (content == null || content.isNull()) {
            return out;
        }
        if (content.isTextual()) {
            addText(out, content.asText());
            return out;
        }
        if (!content.isArray()) {
            throw new TransformException(where + ".content must be a string or an array");
        }
        for (JsonNode part : content) {
            String type = ChatNodes.text(part, "type");
            if ("text".equals(type)) {
                addText(out, ChatNodes.text(part, "text"));
            } else {
                ctx.loss().drop(where + ".content[]." + type);
            }
        }
        return out;
    }

    /** A single text part collapses to a plain string (what every Chat server accepts). */
    static JsonNode encodeUser(List<Content> content, TransformContext ctx) {
        ArrayNode parts = ChatNodes.array();
        for (Content c : content) {
            switch (c) {
                case Content.Text t -> {
                    if (!t.text().isEmpty()) {
                        parts.addObject().put("type", "text").put("text", t.text());
                    }
                }
                case Content.Image img -> encodeImage(img, parts, ctx);
                case Content.Audio a -> {
                    ObjectNode audio = parts.addObject().put("type", "input_audio").putObject("input_audio");
                    audio.put("data", a.data());
                    audio.put("format", a.format());
                }
                case Content.Document d -> encodeDocument(d, parts, ctx);
                default -> ctx.loss().drop("user." + kind(c));
            }
        }
        return collapse(parts);
    }

    /** Text-only content: one string, or text parts when the blocks must stay apart. */
    static JsonNode encodeText(List<Content> content, TransformContext ctx, String where) {
        ArrayNode parts = ChatNodes.array();
        for (Content c : content) {
            if (c instanceof Content.Text t) {
                if (!t.text().isEmpty()) {
                    parts.addObject().put("type", "text").put("text", t.text());
                }
            } else {
                ctx.loss().drop(where + "." + kind(c));
            }
        }
        return collapse(parts);
    }

    static String kind(Content c) {
        return switch (c) {
            case Content.Text t -> "text";
            case Content.Image i -> "image";
            case Content.Document d -> "document";
            case Content.Audio a -> "audio";
            case Content.ToolCall t -> "tool_call";
            case Content.ToolResult t -> "tool_result";
            case Content.Reasoning r -> "reasoning";
            case Content.Refusal r -> "refusal";
        };
    }

    private static JsonNode collapse(ArrayNode parts) {
        if (parts.isEmpty()) {
            return ChatNodes.F.textNode("");
        }
        if (parts.size() == 1 && "text".equals(parts.get(0).get("type").asText())) {
            return parts.get(0).get("text");
        }
        return parts;
    }

    private static JsonNode requireObject(JsonNode part, String field, String where) throws TransformException {
        JsonNode n = part.get(field);
        if (n == null || !n.isObject()) {
            throw new TransformException(where + ".content[]." + field + " must be an object");
        }
        return n;
    }

    private static void addText(List<Content> out, String text) {
        if (text != null && !text.isEmpty()) {
            out.add(new Content.Text(text));
        }
    }

    private static Content image(JsonNode imageUrl, String where) throws TransformException {
        // some clients send image_url as a bare string
        String url = imageUrl != null && imageUrl.isTextual() ? imageUrl.asText() : ChatNodes.text(imageUrl, "url");
        if (url == null) {
            throw new TransformException(where + ".content[].image_url needs a url");
        }
        String detail = ChatNodes.text(imageUrl, "detail");
        DataUrl data = DataUrl.parse(url);
        return data != null
                ? new Content.Image(data.mediaType(), data.data(), null, null, detail)
                : new Content.Image(null, null, url, null, detail);
    }

    private static Content file(JsonNode file) {
        String fileData = ChatNodes.text(file, "file_data");
        String mediaType = null;
        String data = fileData;
        DataUrl parsed = fileData == null ? null : DataUrl.parse(fileData);
        if (parsed != null) {
            mediaType = parsed.mediaType();
            data = parsed.data();
        }
        return new Content.Document(mediaType, data, null, ChatNodes.text(file, "file_id"),
                ChatNodes.text(file, "filename"), null);
    }

    private static void encodeImage(Content.Image img, ArrayNode parts, TransformContext ctx) {
        String url = img.data() != null ? DataUrl.format(img.mediaType(), img.data()) : img.url();
        if (url == null) {
            if (img.fileId() != null) {
                // Chat images have no file reference; the file part is how Chat cites an uploaded file
                parts.addObject().put("type", "file").putObject("file").put("file_id", img.fileId());
            } else {
                ctx.loss().drop("image");
            }
            return;
        }
        ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url");
        image.put("url", url);
        ChatNodes.putIfNotNull(image, "detail", img.detail());
    }

    private static void encodeDocument(Content.Document d, ArrayNode parts, TransformContext ctx) {
        if (d.data() != null || d.fileId() != null) {
            ObjectNode file = parts.addObject().put("type", "file").putObject("file");
            if (d.data() != null) {
                file.put("file_data", d.mediaType() != null ? DataUrl.format(d.mediaType(), d.data()) : d.data());
            } else {
                file.put("file_id", d.fileId());
            }
            ChatNodes.putIfNotNull(file, "filename", d.filename());
        } else if (d.text() != null) {
            // OpenAI's file part takes PDFs only; a plain-text document is just text to the model
            if (!d.text().isEmpty()) {
                parts.addObject().put("type", "text").put("text", d.text());
            }
            if (d.filename() != null) {
                ctx.loss().drop("document.title");
            }
        } else {
            ctx.loss().drop("document.url");
        }
    }

    /** {@code data:<media type>[;params];base64,<payload>}; anything else is a plain URL. */
    record DataUrl(String mediaType, String data) {
        static DataUrl parse(String url) {
            if (!url.regionMatches(true, 0, "data:", 0, 5)) {
                return null;
            }
            int comma = url.indexOf(',');
            if (comma < 0) {
                return null;
            }
            String meta = url.substring(5, comma);
            if (!meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
                return null;
            }
            String mediaType = meta.substring(0, meta.length() - ";base64".length());
            int semi = mediaType.indexOf(';');
            if (semi >= 0) {
                mediaType = mediaType.substring(0, semi);
            }
            return new DataUrl(mediaType.isEmpty() ? null : mediaType, url.substring(comma + 1));
        }

        static String format(String mediaType, String data) {
            return "data:" + (mediaType == null ? "application/octet-stream" : mediaType) + ";base64," + data;
        }
    }
}
