package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code generateContent} / {@code streamGenerateContent} request body to IR. The body has no model and no stream
 * flag (both live in the URL): the IR model stays null and stream false for the pipeline to set.
 */
final class GeminiRequestDecoder {
    /** {@code model} may repeat the URL's model resource name; the pipeline takes the model from the path. */
    private static final Set<String> TOP_LEVEL =
            Set.of("contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model");
    private static final Set<String> GENERATION = Set.of("maxOutputTokens", "temperature", "topP", "topK",
            "stopSequences", "seed", "candidateCount", "presencePenalty", "frequencyPenalty", "responseMimeType",
            "responseJsonSchema", "responseSchema", "thinkingConfig");

    private final LossReport loss;
    private final GeminiCallIds ids = new GeminiCallIds();

    GeminiRequestDecoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    IrRequest decode(JsonNode body) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("request body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!TOP_LEVEL.contains(f)) {
                loss.drop(f); // cachedContent, safetySettings, labels, serviceTier, ...
            }
        });
        List<Content> system = systemInstruction(body.get("systemInstruction"));
        List<Message> messages = contents(body.get("contents"));
        List<Tool> tools = tools(body.get("tools"));
        ToolChoice choice = toolChoice(body.get("toolConfig"));
        JsonNode gc = body.get("generationConfig");
        if (gc != null && !gc.isNull() && !gc.isObject()) {
            throw new TransformException("generationConfig must be an object");
        }
        Generation generation = generation(gc);
        ResponseFormat format = responseFormat(gc);
        Reasoning reasoning = reasoning(gc == null ? null : gc.get("thinkingConfig"));
        return new IrRequest(null, system, messages, tools, choice, null, generation, format, reasoning, false, null);
    }

    private List<Content> systemInstruction(JsonNode si) throws TransformException {
        List<Content> out = new ArrayList<>();
        if (si == null || si.isNull()) {
            return out;
        }
        if (si.isTextual()) { // accepted by the API as a shorthand
            if (!si.asText().isEmpty()) {
                out.add(new Content.Text(si.asText()));
            }
            return out;
        }
        if (!si.isObject()) {
            throw new TransformException("systemInstruction must be a Content object");
        }
        for (JsonNode part : array(si.get("parts"), "systemInstruction.parts")) {
            String text = GeminiMappings.textOrNull(part, "text");
            if (text != null) {
                if (!text.isEmpty()) {
                    out.add(new Content.Text(text));
                }
            } else {
                loss.drop("systemInstruction.parts");
            }
        }
        return out;
    }

    private List<Message> contents(JsonNode contents) throws TransformException {
        List<Message> out = new ArrayList<>();
        for (JsonNode content : array(contents, "contents")) {
            if (!content.isObject()) {
                throw new TransformException("contents[] must be Content objects");
            }
            String role = GeminiMappings.textOrNull(content, "role");
            switch (role == null || role.isEmpty() ? "user" : role) {
                case "model" -> {
                    List<Content> blocks = GeminiModelParts.decode(content.get("parts"), ids, loss);
                    if (!blocks.isEmpty()) {
                        out.add(new Message(Role.ASSISTANT, blocks));
                    }
                }
                case "user", "function", "tool" -> userParts(content.get("parts"), out);
                case "system" -> {
                    List<Content> texts = new ArrayList<>();
                    for (JsonNode part : array(content.get("parts"), "contents[].parts")) {
                        String text = GeminiMappings.textOrNull(part, "text");
                        if (text != null && !text.isEmpty()) {
                            texts.add(new Content.Text(text));
                        } else if (text == null) {
                            loss.drop("contents.system.parts");
                        }
                    }
                    if (!texts.isEmpty()) {
                        out.add(new Message(Role.SYSTEM, texts));
                    }
                }
                default -> throw new TransformException("unknown content role: " + role);
            }
        }
        return out;
    }

    /**
     * A user turn may mix function responses and ordinary parts (the SDK sends responses in {@code user} turns);
     * runs of function responses become IR TOOL messages, the rest USER messages, in order.
     */
    private void userParts(JsonNode parts, List<Message> out) throws TransformException {
        List<Content> user = new ArrayList<>();
        List<Content> results = new ArrayList<>();
        for (JsonNode part : array(parts, "contents[].parts")) {
            if (!part.isObject()) {
                throw new TransformException("contents[].parts[] must be objects");
            }
            JsonNode response = part.get("functionResponse");
            if (response != null && response.isObject()) {
                flush(Role.USER, user, out);
                results.add(toolResult(response));
                continue;
            }
            flush(Role.TOOL, results, out);
            String text = GeminiMappings.textOrNull(part, "text");
            if (text != null) {
                if (!text.isEmpty()) {
                    user.add(new Content.Text(text));
                }
                continue;
            }
            Content media = GeminiMedia.decode(part);
            if (media != null) {
                user.add(media);
            } else {
                part.fieldNames().forEachRemaining(f -> loss.drop("user.parts." + f));
            }
        }
        flush(Role.USER, user, out);
        flush(Role.TOOL, results, out);
    }

    private static void flush(Role role, List<Content> pending, List<Message> out) {
        if (!pending.isEmpty()) {
            out.add(new Message(role, pending));
            pending.clear();
        }
    }

    /**
     * {@code response} is free-form: {@code {"output": x}} and {@code {"error": x}} (only) are the documented
     * conventions; any other object is passed on as its JSON text.
     */
    private Content.ToolResult toolResult(JsonNode fr) throws TransformException {
        String name = GeminiMappings.textOrNull(fr, "name");
        if (name == null) {
            throw new TransformException("functionResponse.name is required");
        }
        String id = ids.forResponse(GeminiMappings.textOrNull(fr, "id"), name);
        JsonNode response = fr.get("response");
        boolean isError = response != null && response.isObject() && response.size() == 1 && response.has("error");
        String text;
        if (isError) {
            text = GeminiMappings.asText(response.get("error"));
        } else if (response != null && response.isObject() && response.size() == 1 && response.has("output")) {
            text = GeminiMappings.asText(response.get("output"));
        } else {
            text = GeminiMappings.asText(response);
        }
        List<Content> content = new ArrayList<>();
        if (!text.isEmpty()) {
            content.add(new Content.Text(text));
        }
        JsonNode parts = fr.get("parts"); // Gemini 3 multimodal function responses
        if (parts != null && parts.isArray()) {
            for (JsonNode part : parts) {
                Content media = GeminiMedia.decode(part);
                if (media != null) {
                    content.add(media);
                }
            }
        }
        return new Content.ToolResult(id, name, content, isError);
    }

    private List<Tool> tools(JsonNode tools) throws TransformException {
        List<Tool> out = new ArrayList<>();
        boolean search = false;
        for (JsonNode tool : array(tools, "tools")) {
            if (!tool.isObject()) {
                throw new TransformException("tools[] must be objects");
            }
            for (Map.Entry<String, JsonNode> e : tool.properties()) {
                switch (e.getKey()) {
                    case "functionDeclarations" -> {
                        for (JsonNode decl : array(e.getValue(), "tools[].functionDeclarations")) {
                            out.add(function(decl));
                        }
                    }
                    case "googleSearch", "googleSearchRetrieval" -> {
                        if (!search) {
                            out.add(new Tool("google_search", null, null, null, Tool.Kind.WEB_SEARCH));
                            search = true;
                        }
                    }
                    default -> loss.drop("tools." + e.getKey());
                }
            }
        }
        return out;
    }

    private Tool function(JsonNode decl) throws TransformException {
        String name = GeminiMappings.textOrNull(decl, "name");
        if (name == null) {
            throw new TransformException("functionDeclarations[].name is required");
        }
        ObjectNode params = null;
        if (decl.get("parametersJsonSchema") instanceof ObjectNode json) {
            params = json.deepCopy();
        } else if (decl.get("parameters") instanceof ObjectNode openApi) {
            params = GeminiSchemas.fromOpenApi(openApi);
        }
        if (decl.has("response") || decl.has("responseJsonSchema")) {
            loss.drop("functionDeclarations.response");
        }
        if (decl.has("behavior")) {
            loss.drop("functionDeclarations.behavior");
        }
        return new Tool(name, GeminiMappings.textOrNull(decl, "description"), params, null, Tool.Kind.FUNCTION);
    }

    private ToolChoice toolChoice(JsonNode toolConfig) {
        if (toolConfig == null || !toolConfig.isObject()) {
            return null;
        }
        toolConfig.fieldNames().forEachRemaining(f -> {
            if (!f.equals("functionCallingConfig")) {
                loss.drop("toolConfig." + f);
            }
        });
        JsonNode fcc = toolConfig.get("functionCallingConfig");
        String mode = GeminiMappings.textOrNull(fcc, "mode");
        if (mode == null) {
            return null;
        }
        List<String> allowed = new ArrayList<>();
        fcc.path("allowedFunctionNames").forEach(n -> allowed.add(n.asText()));
        return switch (mode.toUpperCase(Locale.ROOT)) {
            case "ANY" -> {
                if (allowed.size() == 1) {
                    yield ToolChoice.named(allowed.get(0));
                }
                if (!allowed.isEmpty()) {
                    loss.drop("toolConfig.functionCallingConfig.allowedFunctionNames");
                }
                yield ToolChoice.REQUIRED;
            }
            case "NONE" -> ToolChoice.NONE;
            case "AUTO", "VALIDATED" -> {
                if (!allowed.isEmpty() || mode.equalsIgnoreCase("VALIDATED")) {
                    loss.drop(allowed.isEmpty() ? "toolConfig.functionCallingConfig.mode"
                            : "toolConfig.functionCallingConfig.allowedFunctionNames");
                }
                yield ToolChoice.AUTO;
            }
            default -> null;
        };
    }

    private Generation generation(JsonNode gc) {
        if (gc == null || !gc.isObject()) {
            return Generation.NONE;
        }
        gc.fieldNames().forEachRemaining(f -> {
            if (!GENERATION.contains(f)) {
                loss.drop("generationConfig." + f); // responseModalities, speechConfig, responseLogprobs, ...
            }
        });
        List<String> stop = null;
        JsonNode stops = gc.get("stopSequences");
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            stop = new ArrayList<>();
            for (JsonNode s : stops) {
                stop.add(s.asText());
            }
        }
        Long seed = GeminiMappings.longOrNull(gc.get("seed"));
        return new Generation(intOrNull(gc.get("maxOutputTokens")), doubleOrNull(gc.get("temperature")),
                doubleOrNull(gc.get("topP")), intOrNull(gc.get("topK")), stop, seed,
                doubleOrNull(gc.get("presencePenalty")), doubleOrNull(gc.get("frequencyPenalty")),
                intOrNull(gc.get("candidateCount")));
    }

    private ResponseFormat responseFormat(JsonNode gc) {
        if (gc == null || !gc.isObject()) {
            return null;
        }
        String mime = GeminiMappings.textOrNull(gc, "responseMimeType");
        ObjectNode schema = null;
        if (gc.get("responseJsonSchema") instanceof ObjectNode json) {
            schema = json.deepCopy();
        } else if (gc.get("responseSchema") instanceof ObjectNode openApi) {
            schema = GeminiSchemas.fromOpenApi(openApi);
        }
        if (mime == null || mime.equalsIgnoreCase("application/json")) {
            if (schema != null) {
                return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, schema, null);
            }
            return mime == null ? null : new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
        }
        if (mime.equalsIgnoreCase("text/plain") && schema == null) {
            return new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
        }
        loss.drop("generationConfig.responseMimeType"); // text/x.enum and other output kinds
        return null;
    }

    /**
     * surface.md §4.8: a zero budget disables thinking, -1 is dynamic (adaptive), a positive budget enables it; a
     * thinking level is an effort; {@code includeThoughts} alone means adaptive (true) or disabled (false).
     */
    private Reasoning reasoning(JsonNode tc) {
        if (tc == null || !tc.isObject()) {
            return null;
        }
        Boolean include = tc.get("includeThoughts") != null && tc.get("includeThoughts").isBoolean()
                ? tc.get("includeThoughts").asBoolean() : null;
        Integer budget = intOrNull(tc.get("thinkingBudget"));
        String level = GeminiMappings.textOrNull(tc, "thinkingLevel");
        String effort = level == null ? null : switch (level.toUpperCase(Locale.ROOT)) {
            case "MINIMAL" -> "minimal";
            case "LOW" -> "low";
            case "HIGH" -> "high";
            default -> "medium";
        };
        if (budget != null) {
            if (budget == 0) {
                return new Reasoning(Reasoning.Mode.DISABLED, effort, 0, include, null);
            }
            if (budget < 0) {
                return new Reasoning(Reasoning.Mode.ADAPTIVE, effort, null, include, null);
            }
            return new Reasoning(Reasoning.Mode.ENABLED, effort, budget, include, null);
        }
        if (effort != null) {
            return new Reasoning(null, effort, null, include, null);
        }
        if (include == null) {
            return null;
        }
        return new Reasoning(include ? Reasoning.Mode.ADAPTIVE : Reasoning.Mode.DISABLED, null, null, include, null);
    }

    private static Iterable<JsonNode> array(JsonNode node, String what) throws TransformException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new TransformException(what + " must be an array");
        }
        return node;
    }

    private static Integer intOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.asInt() : null;
    }

    private static Double doubleOrNull(JsonNode n) {
        return n != null && n.isNumber() ? n.asDouble() : null;
    }
}
