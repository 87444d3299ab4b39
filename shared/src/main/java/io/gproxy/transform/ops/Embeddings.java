package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code create_embedding} between OpenAI and Gemini (spec/surface.md §4.12).
 *
 * <p>OpenAI → Gemini: each input string becomes one {@code EmbedContentRequest{model:"models/<m>",
 * content:{parts:[{text}]}, outputDimensionality:<dimensions>}}, sent as {@code :batchEmbedContents{requests:[…]}};
 * a single string (not an array) goes to {@code :embedContent}. Token-array inputs cannot be expressed for Gemini
 * (422). The answer's {@code embeddings[i].values} ({@code embedding.values} for the single form) become
 * {@code data[i].embedding}: JSON numbers as Gemini sent them for {@code encoding_format:"float"}, or — for
 * {@code "base64"}, which the official OpenAI SDKs ask for by default — the values as little-endian float32, base64.
 * Usage comes from Gemini's {@code usageMetadata} when present; the public Gemini API does not report embedding
 * tokens, so otherwise it is estimated locally ({@link TokenCounter}, cl100k_base) so the call can still be billed.
 *
 * <p>Gemini → OpenAI: {@code embedContent} (one content) or {@code batchEmbedContents} (many) becomes one
 * {@code /v1/embeddings} request with {@code input} a string or an array, {@code encoding_format:"float"}; a
 * content's text parts are joined with a newline; non-text parts do not convert (422); Gemini's
 * {@code taskType}/{@code title} have no OpenAI equivalent (reported as lost); the batch must agree on
 * {@code outputDimensionality}. The answer's {@code data[i].embedding} become {@code values}.
 */
public final class Embeddings {
    private Embeddings() {}

    // ---- OpenAI client, Gemini upstream --------------------------------------------------------------------------

    /** An OpenAI request converted for Gemini; {@code single} selects {@code :embedContent}. */
    public record GeminiCall(String path, ObjectNode body, boolean single, List<String> inputs, boolean base64) {}

    public static GeminiCall openAiToGemini(JsonNode request, String model, TransformContext ctx) throws TransformException {
        ObjectNode body = OpsJson.requireObject(request, "request body");
        if (model == null || model.isBlank()) {
            throw new TransformException("'model' is required");
        }
        String format = OpsJson.text(body, "encoding_format");
        if (OpsJson.present(body, "encoding_format") && !"float".equals(format) && !"base64".equals(format)) {
            throw new TransformException("'encoding_format' must be float or base64");
        }
        boolean base64 = "base64".equals(format);
        Long dimensions = OpsJson.integer(body, "dimensions", "'dimensions'");
        if (dimensions != null && dimensions <= 0) {
            throw new TransformException("'dimensions' must be positive");
        }
        if (OpsJson.present(body, "user")) {
            ctx.loss().drop("user");
        }
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        boolean single;
        if (input != null && input.isTextual()) {
            inputs.add(input.textValue());
            single = true;
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new TransformException("token-array 'input' cannot be converted for Gemini: send strings");
                }
                inputs.add(item.textValue());
            }
            single = false;
        } else {
            throw new TransformException("'input' must be a string or a non-empty array of strings");
        }
        String name = OpsJson.geminiName(model);
        String bare = OpsJson.bareModel(model);
        if (single) {
            ObjectNode out = embedRequest(name, inputs.get(0), dimensions);
            out.remove("model"); // the single form names the model in the URL only
            return new GeminiCall("/v1beta/models/" + bare + ":embedContent", out, true, inputs, base64);
        }
        ObjectNode out = OpsJson.object();
        ArrayNode requests = out.putArray("requests");
        for (String text : inputs) {
            requests.add(embedRequest(name, text, dimensions));
        }
        return new GeminiCall("/v1beta/models/" + bare + ":batchEmbedContents", out, false, inputs, base64);
    }

    private static ObjectNode embedRequest(String name, String text, Long dimensions) {
        ObjectNode r = OpsJson.object();
        r.put("model", name);
        r.putObject("content").putArray("parts").addObject().put("text", text);
        if (dimensions != null) {
            r.put("outputDimensionality", dimensions);
        }
        return r;
    }

    /** Gemini's answer (single or batch form) as an OpenAI embeddings list. */
    public static ObjectNode geminiToOpenAiResponse(JsonNode response, GeminiCall call, String model)
            throws TransformException {
        OpsJson.requireObject(response, "embedding response");
        List<JsonNode> vectors = new ArrayList<>();
        if (response.path("embeddings").isArray()) {
            response.get("embeddings").forEach(e -> vectors.add(e.get("values")));
        } else if (response.path("embedding").isObject()) {
            vectors.add(response.get("embedding").get("values"));
        } else {
            throw new TransformException("embedding response without embeddings");
        }
        if (vectors.size() != call.inputs().size()) {
            throw new TransformException("embedding response has " + vectors.size() + " embeddings for "
                    + call.inputs().size() + " inputs");
        }
        ObjectNode out = OpsJson.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode values = vectors.get(i);
            if (values == null || !values.isArray()) {
                throw new TransformException("embedding without values");
            }
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (call.base64()) {
                item.put("embedding", toBase64(values));
            } else {
                ArrayNode floats = item.putArray("embedding");
                for (JsonNode v : values) {
                    if (!v.isNumber()) {
                        throw new TransformException("embedding value is not a number");
                    }
                    floats.add(v);
                }
            }
        }
        out.put("model", OpsJson.bareModel(model));
        JsonNode meta = response.get("usageMetadata");
        long prompt;
        long total;
        if (meta != null && meta.isObject() && (meta.has("promptTokenCount") || meta.has("inputTokenCount"))) {
            prompt = meta.has("promptTokenCount") ? meta.get("promptTokenCount").asLong() : meta.get("inputTokenCount").asLong();
            total = meta.has("totalTokenCount") ? meta.get("totalTokenCount").asLong() : prompt;
        } else {
            prompt = 0;
            for (String text : call.inputs()) {
                prompt += TokenCounter.countText(text, model);
            }
            total = prompt;
        }
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", total);
        return out;
    }

    /** Float values as OpenAI's base64 form: little-endian IEEE 754 float32, concatenated, base64. */
    static String toBase64(JsonNode values) throws TransformException {
        ByteBuffer buf = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            if (!v.isNumber()) {
                throw new TransformException("embedding value is not a number");
            }
            buf.putFloat(v.floatValue());
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** OpenAI's base64 form back to floats. */
    static float[] fromBase64(String b64) throws TransformException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new TransformException("embedding is not valid base64");
        }
        if (bytes.length % 4 != 0) {
            throw new TransformException("base64 embedding is not a float32 array");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getFloat();
        }
        return out;
    }

    // ---- Gemini client, OpenAI upstream --------------------------------------------------------------------------

    /** A Gemini request converted for OpenAI; {@code single} answers in the {@code embedContent} form. */
    public record OpenAiCall(ObjectNode body, boolean single, int count) {}

    /**
     * @param single the client called {@code :embedContent} (else {@code :batchEmbedContents}); a body with
     *               {@code requests} is read as a batch either way
     */
    public static OpenAiCall geminiToOpenAi(JsonNode request, String model, boolean single, TransformContext ctx)
            throws TransformException {
        ObjectNode body = OpsJson.requireObject(request, "request body");
        if (model == null || model.isBlank()) {
            throw new TransformException("a model is required");
        }
        List<JsonNode> requests = new ArrayList<>();
        boolean batch = body.has("requests");
        if (batch) {
            JsonNode rs = body.get("requests");
            if (!rs.isArray() || rs.isEmpty()) {
                throw new TransformException("'requests' must be a non-empty array");
            }
            rs.forEach(requests::add);
        } else {
            requests.add(body);
        }
        List<String> texts = new ArrayList<>();
        Long dimensions = null;
        for (int i = 0; i < requests.size(); i++) {
            JsonNode r = OpsJson.requireObject(requests.get(i), "embed request");
            texts.add(contentText(r.get("content")));
            Long d = OpsJson.integer(r, "outputDimensionality", "'outputDimensionality'");
            if (i == 0) {
                dimensions = d;
            } else if (!java.util.Objects.equals(d, dimensions)) {
                throw new TransformException("every request of a batch must ask for the same outputDimensionality");
            }
            for (String f : new String[] {"taskType", "title"}) {
                if (OpsJson.present(r, f)) {
                    ctx.loss().drop(f);
                }
            }
        }
        ObjectNode out = OpsJson.object();
        out.put("model", OpsJson.bareModel(model));
        if (!batch && single) {
            out.put("input", texts.get(0));
        } else {
            ArrayNode input = out.putArray("input");
            texts.forEach(input::add);
        }
        if (dimensions != null) {
            out.put("dimensions", dimensions);
        }
        out.put("encoding_format", "float");
        return new OpenAiCall(out, !batch && single, texts.size());
    }

    private static String contentText(JsonNode content) throws TransformException {
        if (content == null || !content.isObject() || !content.path("parts").isArray()) {
            throw new TransformException("'content' must be a Content with parts");
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content.get("parts")) {
            String text = OpsJson.text(part, "text");
            if (text == null) {
                throw new TransformException("only text parts can be embedded through OpenAI");
            }
            parts.add(text);
        }
        return String.join("\n", parts);
    }

    /** OpenAI's embeddings list as Gemini's answer ({@code embedding} or {@code embeddings}). */
    public static ObjectNode openAiToGeminiResponse(JsonNode response, OpenAiCall call) throws TransformException {
        OpsJson.requireObject(response, "embedding response");
        JsonNode data = response.get("data");
        if (data == null || !data.isArray()) {
            throw new TransformException("embedding response without data");
        }
        JsonNode[] ordered = new JsonNode[data.size()];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").canConvertToInt() ? item.path("index").intValue() : i;
            if (index < 0 || index >= ordered.length || ordered[index] != null) {
                throw new TransformException("embedding response has a bad index");
            }
            ordered[index] = item.get("embedding");
        }
        if (ordered.length != call.count()) {
            throw new TransformException("embedding response has " + ordered.length + " embeddings for "
                    + call.count() + " inputs");
        }
        ObjectNode out = OpsJson.object();
        ArrayNode embeddings = OpsJson.array();
        for (JsonNode e : ordered) {
            ObjectNode item = embeddings.addObject();
            ArrayNode values = item.putArray("values");
            if (e != null && e.isTextual()) {
                for (float f : fromBase64(e.textValue())) {
                    values.add(f);
                }
            } else if (e != null && e.isArray()) {
                values.addAll((ArrayNode) e);
            } else {
                throw new TransformException("embedding is neither floats nor base64");
            }
        }
        if (call.single()) {
            out.set("embedding", embeddings.get(0));
        } else {
            out.set("embeddings", embeddings);
        }
        return out;
    }
}
