package io.gproxy.tests.mock;

import static io.gproxy.tests.mock.Json.arr;
import static io.gproxy.tests.mock.Json.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google Gemini (generativelanguage, v1beta and v1) wire format. Auth: {@code ?key=} or
 * {@code x-goog-api-key}. The model comes from the path and may contain '/' (raw or as %2F).
 *
 * <p>Streams: with {@code alt=sse} one {@code data:} frame per chunk, each ended by a blank line written
 * as CRLF CRLF like Google's servers do (so a gateway's SSE parser must accept CRLF); without
 * {@code alt} a JSON array streamed element by element ({@code [{..},\r\n{..}]}, application/json).
 * Each chunk carries usageMetadata as the real API does: prompt counts only until the final chunk,
 * which has finishReason STOP and the full counts.
 *
 * <p>A request with {@code tools[].functionDeclarations} is answered with one {@code functionCall} part (with
 * {@code args}) calling the first declared function, finishReason STOP; streamed, that is one chunk carrying the
 * whole call, the finishReason and the full usage, as the real API sends a call (see {@link MockUpstream}).
 */
public final class MockGemini extends MockUpstream {
    public static final List<String> MODELS = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite");

    /** /v1beta/models/{model}[:{method}]; the model is greedy up to the LAST ':' so it may hold '/'. */
    private static final Pattern MODEL_PATH = Pattern.compile("/(v1beta|v1)/models/(.+?)(?::([A-Za-z]+))?");

    public MockGemini() {
        super("gemini");
    }

    @Override
    protected boolean authorized(RecordedRequest request, String key) {
        return key.equals(request.query("key")) || key.equals(request.header("x-goog-api-key"));
    }

    @Override
    protected String unauthorizedMessage(RecordedRequest request) {
        return "API key not valid. Please pass a valid API key.";
    }

    @Override
    protected JsonNode errorBody(int status, String message) {
        String name = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "INTERNAL";
        };
        return obj("error", obj("code", status, "message", message, "status", name));
    }

    @Override
    protected boolean handle(Exchange x) throws IOException {
        String path = x.path();
        if (x.method().equals("GET") && (path.equals("/v1beta/models") || path.equals("/v1/models"))) {
            ArrayNode models = arr();
            MODELS.forEach(m -> models.add(modelInfo(m)));
            x.json(200, obj("models", models));
            return true;
        }
        Matcher m = MODEL_PATH.matcher(path);
        if (!m.matches()) {
            return false;
        }
        String model = RecordedRequest.decode(m.group(2));
        String method = m.group(3);
        switch (x.method() + " " + (method == null ? "" : method)) {
            case "GET " -> x.json(200, modelInfo(model));
            case "POST generateContent" -> {
                String tool = firstTool(x.body());
                x.json(200, tool != null ? callResponse(model, tool, "resp" + nextId())
                        : response(model, replyText(model), true, "resp" + nextId()));
            }
            case "POST streamGenerateContent" -> stream(x, model);
            case "POST countTokens" -> x.json(200, obj("totalTokens", INPUT_TOKENS));
            case "POST embedContent" -> x.json(200, obj("embedding", embedding(x.body(), 0)));
            case "POST batchEmbedContents" -> batchEmbed(x, model);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void stream(Exchange x, String model) throws IOException {
        String tool = firstTool(x.body()); // a malformed body is a 400, as with the real API
        boolean sse = "sse".equals(x.request().query("alt"));
        String id = "resp" + nextId();
        List<String> deltas = streamDeltas(replyText(model));
        try (EventStream s = x.stream(sse ? "text/event-stream" : "application/json; charset=UTF-8")) {
            if (tool != null) {
                String chunk = Json.write(callResponse(model, tool, id));
                s.frame(sse ? "data: " + chunk + "\r\n\r\n" : "[" + chunk);
            }
            for (int i = 0; tool == null && i < deltas.size(); i++) {
                String chunk = Json.write(response(model, deltas.get(i), i == deltas.size() - 1, id));
                s.frame(sse ? "data: " + chunk + "\r\n\r\n" : (i == 0 ? "[" : ",\r\n") + chunk);
            }
            if (!sse) {
                s.trailer("]");
            }
        }
    }

    /** Name of the first function declared in {@code tools} (camelCase or snake_case, as the API accepts), or null. */
    private static String firstTool(JsonNode body) {
        for (JsonNode tool : body.path("tools")) {
            JsonNode declarations = tool.has("functionDeclarations") ? tool.get("functionDeclarations")
                    : tool.path("function_declarations");
            for (JsonNode declaration : declarations) {
                String name = declaration.path("name").asText("");
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        return null;
    }

    /** A complete GenerateContentResponse holding one functionCall part. */
    private static ObjectNode callResponse(String model, String tool, String responseId) {
        return response(model, obj("functionCall", obj("name", tool, "args", toolArgumentsJson())), true, responseId);
    }

    /**
     * Like the real API, every request of a batch must name the path's model ({@code models/<id>}). The answer has
     * no usage: the public API reports none for embeddings.
     */
    private void batchEmbed(Exchange x, String model) throws IOException {
        ArrayNode embeddings = arr();
        int i = 0;
        for (JsonNode request : x.body().path("requests")) {
            if (!("models/" + model).equals(request.path("model").asText())) {
                throw new BadRequest("Model in request " + i + " does not match the model in the URL");
            }
            embeddings.add(embedding(request, i++));
        }
        if (i == 0) {
            throw new BadRequest("* BatchEmbedContentsRequest.requests: contents is not specified");
        }
        x.json(200, obj("embeddings", embeddings));
    }

    /**
     * A deterministic vector for the {@code index}-th text: {@code outputDimensionality} values (default 4),
     * {@code (index+1) * 0.25 * (k+1)} with alternating sign, all exact in float32 so base64 round trips compare equal.
     */
    public static ObjectNode embedding(JsonNode request, int index) {
        if (!request.path("content").path("parts").isArray()) {
            throw new BadRequest("* EmbedContentRequest.content: contents is not specified");
        }
        int dims = request.path("outputDimensionality").asInt(4);
        ArrayNode values = arr();
        for (int k = 0; k < dims; k++) {
            values.add((index + 1) * 0.25 * (k + 1) * (k % 2 == 0 ? 1 : -1));
        }
        return obj("values", values);
    }

    /** A GenerateContentResponse; {@code last} adds finishReason and the complete usage. */
    private static ObjectNode response(String model, String text, boolean last, String responseId) {
        return response(model, obj("text", text), last, responseId);
    }

    private static ObjectNode response(String model, ObjectNode part, boolean last, String responseId) {
        ObjectNode candidate = obj("content", obj("parts", arr(part), "role", "model"));
        if (last) {
            candidate.put("finishReason", "STOP");
        }
        candidate.put("index", 0);
        ObjectNode usage = last
                ? obj("promptTokenCount", INPUT_TOKENS, "candidatesTokenCount", OUTPUT_TOKENS,
                        "totalTokenCount", TOTAL_TOKENS)
                : obj("promptTokenCount", INPUT_TOKENS, "totalTokenCount", INPUT_TOKENS);
        usage.set("promptTokensDetails", arr(obj("modality", "TEXT", "tokenCount", INPUT_TOKENS)));
        return obj("candidates", arr(candidate), "usageMetadata", usage, "modelVersion", model,
                "responseId", responseId);
    }

    private static ObjectNode modelInfo(String model) {
        return obj("name", "models/" + model, "version", "001", "displayName", model,
                "description", "Mock of " + model, "inputTokenLimit", 1_048_576, "outputTokenLimit", 65_536,
                "supportedGenerationMethods", arr("generateContent", "countTokens"),
                "temperature", 1.0, "topP", 0.95, "topK", 64, "maxTemperature", 2.0, "thinking", true);
    }
}
