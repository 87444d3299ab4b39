package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.LossReport;

import java.util.Locale;

/**
 * Images, documents and audio ⇔ Gemini {@code inlineData{mimeType,data}} / {@code fileData{mimeType,fileUri}}
 * (surface.md §8.13: data URLs ⇔ inline data, other URLs and file ids ⇔ file data).
 */
final class GeminiMedia {
    private GeminiMedia() {}

    /** IR media content for an {@code inlineData} or {@code fileData} part; null when the part has neither. */
    static Content decode(JsonNode part) {
        JsonNode inline = part.get("inlineData");
        if (inline != null && inline.isObject()) {
            String mime = GeminiMappings.textOrNull(inline, "mimeType");
            String data = GeminiMappings.textOrNull(inline, "data");
            String lower = mime == null ? "" : mime.toLowerCase(Locale.ROOT);
            if (lower.startsWith("image/")) {
                return new Content.Image(mime, data, null, null, null);
            }
            if (lower.startsWith("audio/")) {
                return new Content.Audio(audioFormat(lower), data);
            }
            return new Content.Document(mime, data, null, null, null, null);
        }
        JsonNode file = part.get("fileData");
        if (file != null && file.isObject()) {
            String uri = GeminiMappings.textOrNull(file, "fileUri");
            String mime = GeminiMappings.textOrNull(file, "mimeType");
            if (mime == null) {
                mime = mimeFromName(uri);
            }
            if (mime != null && mime.toLowerCase(Locale.ROOT).startsWith("image/")) {
                return new Content.Image(mime, null, uri, null, null);
            }
            return new Content.Document(mime, null, uri, null, null, null);
        }
        return null;
    }

    /** The Gemini part for IR media; null for content that is not media. */
    static ObjectNode encode(Content content, LossReport loss) {
        ObjectNode part = GeminiMappings.NODES.objectNode();
        switch (content) {
            case Content.Image img -> {
                if (img.detail() != null) {
                    loss.drop("image.detail");
                }
                if (img.data() != null) {
                    inline(part, img.mediaType() != null ? img.mediaType() : sniffImage(img.data()), img.data());
                } else if (img.url() != null && img.url().startsWith("data:")) {
                    dataUrl(part, img.url(), img.mediaType());
                } else {
                    String uri = img.url() != null ? img.url() : img.fileId();
                    file(part, img.mediaType() != null ? img.mediaType() : mimeFromName(uri), uri);
                }
            }
            case Content.Document doc -> {
                if (doc.filename() != null) {
                    loss.drop("document.filename");
                }
                if (doc.data() != null) {
                    inline(part, doc.mediaType() != null ? doc.mediaType() : sniffDocument(doc.data()), doc.data());
                } else if (doc.url() != null && doc.url().startsWith("data:")) {
                    dataUrl(part, doc.url(), doc.mediaType());
                } else if (doc.url() != null || doc.fileId() != null) {
                    String uri = doc.url() != null ? doc.url() : doc.fileId();
                    file(part, doc.mediaType() != null ? doc.mediaType() : mimeFromName(uri), uri);
                } else if (doc.text() != null && !doc.text().isEmpty()) {
                    part.put("text", doc.text());
                } else {
                    return null;
                }
            }
            case Content.Audio audio -> inline(part, audioMime(audio.format()), audio.data());
            default -> {
                return null;
            }
        }
        return part;
    }

    private static void inline(ObjectNode part, String mime, String data) {
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", mime);
        inline.put("data", data == null ? "" : data);
    }

    private static void file(ObjectNode part, String mime, String uri) {
        ObjectNode file = part.putObject("fileData");
        if (mime != null) {
            file.put("mimeType", mime);
        }
        file.put("fileUri", uri == null ? "" : uri);
    }

    /** {@code data:<mime>;base64,<payload>}; a non-base64 data URL keeps its payload as given. */
    private static void dataUrl(ObjectNode part, String url, String fallbackMime) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? url.substring(5) : url.substring(5, comma);
        String payload = comma < 0 ? "" : url.substring(comma + 1);
        int semi = header.indexOf(';');
        String mime = semi < 0 ? header : header.substring(0, semi);
        if (mime.isEmpty()) {
            mime = fallbackMime != null ? fallbackMime : "application/octet-stream";
        }
        inline(part, mime, payload);
    }

    private static String audioFormat(String mime) {
        String sub = mime.substring("audio/".length());
        return switch (sub) {
            case "mpeg", "mp3", "mpeg3", "x-mpeg-3" -> "mp3";
            case "wav", "x-wav", "wave", "vnd.wave" -> "wav";
            default -> sub;
        };
    }

    private static String audioMime(String format) {
        if (format == null) {
            return "audio/wav";
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "mp3" -> "audio/mpeg";
            default -> "audio/" + format.toLowerCase(Locale.ROOT);
        };
    }

    /** Gemini needs a mime type for inline data; base64 magic numbers of the common image formats. */
    private static String sniffImage(String base64) {
        if (base64 == null) {
            return "image/jpeg";
        }
        if (base64.startsWith("iVBOR")) {
            return "image/png";
        }
        if (base64.startsWith("R0lGOD")) {
            return "image/gif";
        }
        if (base64.startsWith("UklGR")) {
            return "image/webp";
        }
        return "image/jpeg";
    }

    private static String sniffDocument(String base64) {
        return base64 != null && base64.startsWith("JVBER") ? "application/pdf" : "application/octet-stream";
    }

    /** The mime type implied by a file name or URL extension; null when unknown. */
    static String mimeFromName(String name) {
        if (name == null) {
            return null;
        }
        String path = name;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        int dot = path.lastIndexOf('.');
        if (dot < 0 || dot < path.lastIndexOf('/')) {
            return null;
        }
        return switch (path.substring(dot + 1).toLowerCase(Locale.ROOT)) {
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "heic" -> "image/heic";
            case "heif" -> "image/heif";
            case "pdf" -> "application/pdf";
            case "txt" -> "text/plain";
            case "mp3" -> "audio/mpeg";
            case "wav" -> "audio/wav";
            case "mp4" -> "video/mp4";
            default -> null;
        };
    }
}
