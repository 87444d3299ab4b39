package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
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

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * IR to a {@code generateContent} body. No {@code model} and no {@code stream} field: both are in the URL.
 */
final class GeminiRequestEncoder {
    /**
     * Gemini 3 rejects a replayed model turn whose function call carries no thought signature; Google documents
     * this value for history that was not produced by Gemini 3 (another provider, another protocol's client).
     */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    private final LossReport loss;
    private final Map<String, String> callNames = new HashMap<>();

    GeminiRequestEncoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    ObjectNode encode(IrRequest request) {
        ObjectNode body = GeminiMappings.NODES.objectNode();
        boolean gemini3 = request.model() != null && request.model().toLowerCase(Locale.ROOT).contains("gemini-3");
        body.set("contents", contents(request.messages(), gemini3));
        ObjectNode system = systemInstruction(request.system());
        if (system != null) {
            body.set("systemInstruction", system);
        }
        ArrayNode tools = tools(request.tools());
        if (!tools.isEmpty()) {
            body.set("tools", tools);
        }
        ObjectNode toolConfig = toolConfig(request.toolChoice());
        if (toolConfig != null) {
            body.set("toolConfig", toolConfig);
        }
        ObjectNode gc = generationConfig(request);
        if (!gc.isEmpty()) {
            body.set("generationConfig", gc);
        }
        if (Boolean.FALSE.equals(request.parallelToolCalls())) {
            loss.drop("parallel_tool_calls");
        }
        if (request.user() != null) {
            loss.drop("user");
        }
        return body;
    }

    private ObjectNode systemInstruction(List<Content> system) {
        ArrayNode parts = GeminiMappings.NODES.arrayNode();
        for (Content c : system) {
            if (c instanceof Content.Text t) {
                if (!t.text().isEmpty()) {
                    parts.addObject().put("text", t.text());
                }
            } else {
                loss.drop("system." + c.getClass().getSimpleName().toLowerCase(Locale.ROOT));
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        ObjectNode si = GeminiMappings.NODES.objectNode();
        si.set("parts", parts);
        return si;
    }

    private ArrayNode contents(List<Message> messages, boolean gemini3) {
        ArrayNode contents = GeminiMappings.NODES.arrayNode();
        ObjectNode toolTurn = null; // consecutive tool results answer one model turn: one content
        for (Message message : messages) {
            if (message.role() == Role.TOOL) {
                if (toolTurn == null) {
                    toolTurn = GeminiMappings.NODES.objectNode().put("role", "user");
                    toolTurn.putArray("parts");
                }
                userParts(message.content(), (ArrayNode) toolTurn.get("parts"));
                continue;
            }
            addIfParts(contents, toolTurn);
            toolTurn = null;
            ObjectNode content = GeminiMappings.NODES.objectNode();
            ArrayNode parts;
            switch (message.role()) {
                case ASSISTANT -> {
                    content.put("role", "model");
                    parts = GeminiModelPartEncoder.encode(message.content(), loss, callNames, true);
                    if (gemini3) {
                        signFirstCall(parts);
                    }
                }
                case SYSTEM -> {
                    // Gemini has no instruction role inside the conversation
                    loss.drop("messages.system");
                    content.put("role", "user");
                    parts = GeminiMappings.NODES.arrayNode();
                    userParts(message.content(), parts);
                }
                default -> {
                    content.put("role", "user");
                    parts = GeminiMappings.NODES.arrayNode();
                    userParts(message.content(), parts);
                }
            }
            content.set("parts", parts);
            addIfParts(contents, content);
        }
        addIfParts(contents, toolTurn);
        return contents;
    }

    /** Gemini refuses a content without parts; an empty IR message carries nothing anyway. */
    private static void addIfParts(ArrayNode contents, ObjectNode content) {
        if (content != null && !content.path("parts").isEmpty()) {
            contents.add(content);
        }
    }

    private static void signFirstCall(ArrayNode parts) {
        for (JsonNode part : parts) {
            if (part.has("functionCall")) {
                if (!part.has("thoughtSignature")) {
                    ((ObjectNode) part).put("thoughtSignature", SKIP_SIGNATURE);
                }
                return;
            }
        }
    }

    private void userParts(List<Content> contents, ArrayNode parts) {
        for (Content c : contents) {
            switch (c) {
                case Content.Text t -> {
                    if (!t.text().isEmpty()) {
                        parts.addObject().put("text", t.text());
                    }
                }
                case Content.ToolResult r -> parts.addObject().set("functionResponse", functionResponse(r));
                case Content.Refusal r -> {
                    if (!r.text().isEmpty()) {
                        parts.addObject().put("text", r.text());
                    }
                }
                case Content.ToolCall ignored -> loss.drop("user.tool_call");
                case Content.Reasoning ignored -> loss.drop("user.reasoning");
                default -> {
                    ObjectNode media = GeminiMedia.encode(c, loss);
                    if (media != null) {
                        parts.add(media);
                    }
                }
            }
        }
    }

    /**
     * The function name is required: from the result, else from the earlier call with that id, else the id
     * (surface.md §4.9).
     */
    private ObjectNode functionResponse(Content.ToolResult r) {
        ObjectNode fr = GeminiMappings.NODES.objectNode();
        if (r.callId() != null) {
            fr.put("id", r.callId());
        }
        String name = r.name();
        if (name == null) {
            name = r.callId() == null ? null : callNames.get(r.callId());
        }
        if (name == null) {
            name = r.callId() == null ? "unknown" : r.callId();
        }
        fr.put("name", name);
        StringJoiner text = new StringJoiner("\n");
        for (Content c : r.content()) {
            if (c instanceof Content.Text t) {
                text.add(t.text());
            } else {
                loss.drop("tool_result." + c.getClass().getSimpleName().toLowerCase(Locale.ROOT));
            }
        }
        fr.putObject("response").put(r.isError() ? "error" : "output", text.toString());
        return fr;
    }

    private ArrayNode tools(List<Tool> tools) {
        ArrayNode out = GeminiMappings.NODES.arrayNode();
        ArrayNode declarations = GeminiMappings.NODES.arrayNode();
        boolean search = false;
        for (Tool tool : tools) {
            switch (tool.kind()) {
                case WEB_SEARCH -> search = true;
                case CUSTOM -> {
                    loss.drop("tools.custom");
                    ObjectNode decl = declaration(tool);
                    ObjectNode schema = decl.putObject("parametersJsonSchema").put("type", "object");
                    schema.putObject("properties").putObject("input").put("type", "string");
                    schema.putArray("required").add("input");
                    declarations.add(decl);
                }
                case FUNCTION -> {
                    ObjectNode decl = declaration(tool);
                    if (tool.parameters() != null) {
                        decl.set("parametersJsonSchema",
                                GeminiSchemas.toGeminiParameters(tool.parameters(), "tools.parameters", loss));
                    }
                    if (Boolean.TRUE.equals(tool.strict())) {
                        loss.drop("tools.strict");
                    }
                    declarations.add(decl);
                }
            }
        }
        if (!declarations.isEmpty()) {
            out.addObject().set("functionDeclarations", declarations);
        }
        if (search) {
            out.addObject().putObject("googleSearch");
        }
        return out;
    }

    private static ObjectNode declaration(Tool tool) {
        ObjectNode decl = GeminiMappings.NODES.objectNode().put("name", tool.name());
        if (tool.description() != null) {
            decl.put("description", tool.description());
        }
        return decl;
    }

    private static ObjectNode toolConfig(ToolChoice choice) {
        if (choice == null) {
            return null;
        }
        ObjectNode config = GeminiMappings.NODES.objectNode();
        ObjectNode fcc = config.putObject("functionCallingConfig");
        switch (choice.mode()) {
            case AUTO -> fcc.put("mode", "AUTO");
            case REQUIRED -> fcc.put("mode", "ANY");
            case NONE -> fcc.put("mode", "NONE");
            case NAMED -> {
                fcc.put("mode", "ANY");
                fcc.putArray("allowedFunctionNames").add(choice.name());
            }
        }
        return config;
    }

    private ObjectNode generationConfig(IrRequest request) {
        ObjectNode gc = GeminiMappings.NODES.objectNode();
        Generation g = request.generation();
        if (g.maxTokens() != null) {
            gc.put("maxOutputTokens", g.maxTokens());
        }
        if (g.temperature() != null) {
            gc.put("temperature", g.temperature());
        }
        if (g.topP() != null) {
            gc.put("topP", g.topP());
        }
        if (g.topK() != null) {
            gc.put("topK", g.topK());
        }
        if (g.stop() != null && !g.stop().isEmpty()) {
            ArrayNode stops = gc.putArray("stopSequences");
            g.stop().forEach(stops::add);
        }
        if (g.seed() != null) {
            if (g.seed() >= Integer.MIN_VALUE && g.seed() <= Integer.MAX_VALUE) {
                gc.put("seed", g.seed().intValue());
            } else {
                loss.drop("seed"); // Gemini's seed is an int32
            }
        }
        if (g.presencePenalty() != null) {
            gc.put("presencePenalty", g.presencePenalty());
        }
        if (g.frequencyPenalty() != null) {
            gc.put("frequencyPenalty", g.frequencyPenalty());
        }
        if (g.candidateCount() != null) {
            gc.put("candidateCount", g.candidateCount());
        }
        responseFormat(request.responseFormat(), gc);
        ObjectNode thinking = thinkingConfig(request.reasoning(), request.model());
        if (thinking != null) {
            gc.set("thinkingConfig", thinking);
        }
        return gc;
    }

    private void responseFormat(ResponseFormat format, ObjectNode gc) {
        if (format == null) {
            return;
        }
        switch (format.type()) {
            case TEXT -> gc.put("responseMimeType", "text/plain");
            case JSON_OBJECT -> gc.put("responseMimeType", "application/json");
            case JSON_SCHEMA -> {
                gc.put("responseMimeType", "application/json");
                if (format.schema() != null) {
                    gc.set("responseJsonSchema",
                            GeminiSchemas.toGemini(format.schema(), "response_format.schema", loss));
                }
                if (format.name() != null) {
                    loss.drop("response_format.name");
                }
                if (format.description() != null) {
                    loss.drop("response_format.description");
                }
                if (format.strict() != null) {
                    loss.drop("response_format.strict");
                }
            }
        }
    }

    /**
     * surface.md §4.8. Gemini takes a budget or a level, not both: a budget (or DISABLED, budget 0) wins over the
     * effort. ADAPTIVE without a budget or level is the dynamic budget -1 (or just includeThoughts:true). Gemini 2.5
     * and older take no {@code thinkingLevel} (it came with Gemini 3), so for those models an effort becomes the
     * budget Google's own OpenAI compatibility layer uses for it: none 0, low 1024, medium 8192, high 24576.
     */
    private ObjectNode thinkingConfig(Reasoning reasoning, String model) {
        if (reasoning == null) {
            return null;
        }
        if (reasoning.verbosity() != null) {
            loss.drop("verbosity");
        }
        ObjectNode tc = GeminiMappings.NODES.objectNode();
        Reasoning.Mode mode = reasoning.mode();
        if (mode == Reasoning.Mode.DISABLED) {
            tc.put("includeThoughts", false);
            tc.put("thinkingBudget", 0);
            return tc;
        }
        Boolean include = reasoning.includeThoughts();
        if (include == null && mode == Reasoning.Mode.ENABLED) {
            include = true;
        }
        if (include != null) {
            tc.put("includeThoughts", include);
        }
        if (reasoning.budgetTokens() != null) {
            tc.put("thinkingBudget", reasoning.budgetTokens());
            if (reasoning.effort() != null) {
                loss.drop("reasoning.effort");
            }
        } else if (reasoning.effort() != null && budgetOnly(model)) {
            tc.put("thinkingBudget", budget(reasoning.effort()));
        } else if (reasoning.effort() != null) {
            tc.put("thinkingLevel", level(reasoning.effort()));
        } else if (mode == Reasoning.Mode.ADAPTIVE && !Boolean.TRUE.equals(include)) {
            tc.put("thinkingBudget", -1); // dynamic; {includeThoughts:true} alone already decodes as adaptive
        }
        return tc.isEmpty() ? null : tc;
    }

    /** A model known to predate thinking levels (Gemini 1.x and 2.x); unknown models get levels. */
    static boolean budgetOnly(String model) {
        if (model == null) {
            return false;
        }
        String m = model.toLowerCase(Locale.ROOT);
        int at = m.lastIndexOf('/'); // models/gemini-2.5-pro, publishers/google/models/...
        m = m.substring(at + 1);
        return m.startsWith("gemini-1.") || m.startsWith("gemini-2.") || m.startsWith("gemini-2-");
    }

    private static int budget(String effort) {
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "none" -> 0;
            case "minimal", "low" -> 1024;
            case "high", "xhigh", "max" -> 24576;
            default -> 8192;
        };
    }

    private static String level(String effort) {
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "none", "minimal" -> "MINIMAL";
            case "low" -> "LOW";
            case "high", "xhigh", "max" -> "HIGH";
            default -> "MEDIUM";
        };
    }
}
