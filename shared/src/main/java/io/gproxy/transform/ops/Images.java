package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;

import java.util.List;
import java.util.Locale;

/**
 * OpenAI images ({@code /v1/images/generations}, JSON {@code /v1/images/edits}) served by Gemini
 * {@code generateContent} with image output (spec/surface.md §4.12, cross-operation cell
 * {@code create_image/open_ai → generate_content/gemini_generate_content}).
 *
 * <p>Request: the prompt is the user turn's text (after the input images, for edits);
 * {@code generationConfig.responseModalities:["IMAGE"]}; {@code n > 1} asks for that many candidates;
 * {@code size} becomes the nearest Gemini {@code imageConfig.aspectRatio} ({@code auto}: the model decides). Edit
 * inputs are {@code images[].image_url} (or {@code image}) data URLs, sent as {@code inlineData}; file ids and remote
 * URLs cannot be sent to Gemini (422). {@code quality}, {@code style}, {@code background}, {@code moderation},
 * {@code output_format}, {@code output_compression}, {@code mask}, {@code input_fidelity} and {@code user} have no
 * Gemini equivalent and are reported as lost. Multipart edits are refused before this point (415).
 *
 * <p>Response: every {@code inlineData} image part of every candidate becomes {@code data[].b64_json}; with
 * {@code response_format:"url"} (dall-e's default) the image is given as a {@code data:} URL instead, since the
 * gateway hosts no files. Gemini's usage becomes the gpt-image usage object. A Gemini answer without any image (a
 * refusal, a safety block) is a 502 naming the finish reason.
 */
public final class Images {
    private static final List<String> LOST_FIELDS = List.of("quality", "style", "background", "moderation",
            "output_format", "output_compression", "mask", "input_fidelity", "user", "partial_images", "stream");

    /** Gemini's aspect ratios, as width / height. */
    private static final String[] RATIOS = {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"};

    private Images() {}

    /** The converted request and what the answer needs. */
    public record GeminiCall(String path, ObjectNode body, boolean asUrl) {}

    /**
     * @param edit the client called {@code /v1/images/edits}
     */
    public static GeminiCall openAiToGemini(JsonNode request, String model, boolean edit, TransformContext ctx)
            throws TransformException {
        ObjectNode body = OpsJson.requireObject(request, "request body");
        if (model == null || model.isBlank()) {
            throw new TransformException("'model' is required");
        }
        String prompt = OpsJson.text(body, "prompt");
        if (prompt == null || prompt.isBlank()) {
            throw new TransformException("'prompt' is required");
        }
        String format = OpsJson.text(body, "response_format");
        if (OpsJson.present(body, "response_format") && !"b64_json".equals(format) && !"url".equals(format)) {
            throw new TransformException("'response_format' must be url or b64_json");
        }
        for (String f : LOST_FIELDS) {
            if (OpsJson.present(body, f) && !(f.equals("stream") && !body.get(f).asBoolean(false))) {
                ctx.loss().drop(f);
            }
        }
        Long n = OpsJson.integer(body, "n", "'n'");
        if (n != null && (n < 1 || n > 10)) {
            throw new TransformException("'n' must be between 1 and 10");
        }

        ObjectNode out = OpsJson.object();
        ObjectNode user = out.putArray("contents").addObject();
        user.put("role", "user");
        ArrayNode parts = user.putArray("parts");
        if (edit) {
            addInputImages(body, parts);
        }
        parts.addObject().put("text", prompt);
        ObjectNode gc = out.putObject("generationConfig");
        gc.putArray("responseModalities").add("IMAGE");
        if (n != null && n > 1) {
            gc.put("candidateCount", n);
        }
        String ratio = aspectRatio(OpsJson.text(body, "size"));
        if (ratio != null) {
            gc.putObject("imageConfig").put("aspectRatio", ratio);
        }
        return new GeminiCall("/v1beta/models/" + OpsJson.bareModel(model) + ":generateContent", out, "url".equals(format));
    }

    private static void addInputImages(ObjectNode body, ArrayNode parts) throws TransformException {
        int added = 0;
        JsonNode images = body.get("images");
        if (images != null && !images.isNull()) {
            if (!images.isArray()) {
                throw new TransformException("'images' must be an array");
            }
            for (JsonNode img : images) {
                addImage(img.isTextual() ? img.textValue() : OpsJson.text(img, "image_url"),
                        img.isObject() && OpsJson.present(img, "file_id"), parts);
                added++;
            }
        }
        JsonNode image = body.get("image");
        if (image != null && !image.isNull()) {
            if (image.isArray()) {
                for (JsonNode img : image) {
                    addImage(img.isTextual() ? img.textValue() : OpsJson.text(img, "image_url"), false, parts);
                    added++;
                }
            } else {
                addImage(image.isTextual() ? image.textValue() : OpsJson.text(image, "image_url"), false, parts);
                added++;
            }
        }
        if (added == 0) {
            throw new TransformException("an image edit needs at least one input image");
        }
    }

    private static void addImage(String url, boolean fileId, ArrayNode parts) throws TransformException {
        if (fileId || url == null) {
            throw new TransformException("only data: URL input images can be sent to Gemini (no file ids)");
        }
        if (!url.startsWith("data:")) {
            throw new TransformException("only data: URL input images can be sent to Gemini (no remote URLs)");
        }
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.endsWith(";base64")) {
            throw new TransformException("input image data URL must be base64");
        }
        String mime = meta.substring(0, meta.length() - ";base64".length());
        ObjectNode inline = parts.addObject().putObject("inlineData");
        inline.put("mimeType", mime.isEmpty() ? "image/png" : mime);
        inline.put("data", url.substring(comma + 1));
    }

    /** The Gemini aspect ratio nearest to an OpenAI {@code WxH} size; null for {@code auto}, absent or unparsable. */
    static String aspectRatio(String size) {
        if (size == null) {
            return null;
        }
        String s = size.trim().toLowerCase(Locale.ROOT);
        int x = s.indexOf('x');
        if (x <= 0) {
            return null;
        }
        double w;
        double h;
        try {
            w = Double.parseDouble(s.substring(0, x));
            h = Double.parseDouble(s.substring(x + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (w <= 0 || h <= 0) {
            return null;
        }
        double want = Math.log(w / h);
        String best = null;
        double bestDistance = Double.MAX_VALUE;
        for (String r : RATIOS) {
            int colon = r.indexOf(':');
            double ratio = Double.parseDouble(r.substring(0, colon)) / Double.parseDouble(r.substring(colon + 1));
            double d = Math.abs(Math.log(ratio) - want);
            if (d < bestDistance) {
                bestDistance = d;
                best = r;
            }
        }
        return best;
    }

    /** Gemini's answer as an OpenAI images response. */
    public static ObjectNode geminiToOpenAiResponse(JsonNode response, GeminiCall call, long nowEpochSeconds)
            throws TransformException {
        OpsJson.requireObject(response, "generateContent response");
        ObjectNode out = OpsJson.object();
        out.put("created", nowEpochSeconds);
        ArrayNode data = out.putArray("data");
        String outputFormat = null;
        String finish = null;
        for (JsonNode candidate : response.path("candidates")) {
            if (finish == null) {
                finish = OpsJson.text(candidate, "finishReason");
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                JsonNode inline = part.has("inlineData") ? part.get("inlineData") : part.get("inline_data");
                if (inline == null || !inline.isObject() || part.path("thought").asBoolean(false)) {
                    continue;
                }
                String mime = inline.has("mimeType") ? OpsJson.text(inline, "mimeType") : OpsJson.text(inline, "mime_type");
                String b64 = OpsJson.text(inline, "data");
                if (b64 == null || (mime != null && !mime.startsWith("image/"))) {
                    continue;
                }
                ObjectNode item = data.addObject();
                if (call.asUrl()) {
                    item.put("url", "data:" + (mime == null ? "image/png" : mime) + ";base64," + b64);
                } else {
                    item.put("b64_json", b64);
                }
                if (outputFormat == null && mime != null) {
                    outputFormat = mime.substring("image/".length());
                }
            }
        }
        if (data.isEmpty()) {
            String reason = finish != null ? finish
                    : OpsJson.text(response.path("promptFeedback"), "blockReason") != null
                    ? OpsJson.text(response.path("promptFeedback"), "blockReason") : "no image part";
            throw new TransformException("the upstream returned no image (" + reason + ")");
        }
        if (outputFormat != null) {
            out.put("output_format", outputFormat.equals("jpg") ? "jpeg" : outputFormat);
        }
        JsonNode meta = response.get("usageMetadata");
        if (meta != null && meta.isObject()) {
            long input = meta.path("promptTokenCount").asLong(0);
            long output = meta.path("candidatesTokenCount").asLong(0) + meta.path("thoughtsTokenCount").asLong(0);
            long total = meta.has("totalTokenCount") ? meta.get("totalTokenCount").asLong() : input + output;
            long imageIn = 0;
            for (JsonNode d : meta.path("promptTokensDetails")) {
                if ("IMAGE".equals(OpsJson.text(d, "modality"))) {
                    imageIn += d.path("tokenCount").asLong(0);
                }
            }
            ObjectNode usage = out.putObject("usage");
            usage.put("input_tokens", input);
            usage.put("output_tokens", output);
            usage.put("total_tokens", total);
            ObjectNode details = usage.putObject("input_tokens_details");
            details.put("text_tokens", Math.max(0, input - imageIn));
            details.put("image_tokens", imageIn);
        }
        return out;
    }
}
