package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A Chat Completions request body to IR. */
final class ChatRequestDecoder {

    /** Top-level fields read here; any other field present is reported as dropped. */
    private static final Set<String> READ = Set.of("model", "messages", "tools", "functions", "tool_choice",
            "function_call", "parallel_tool_calls", "max_tokens", "max_completion_tokens", "temperature", "top_p",
            "stop", "seed", "presence_penalty", "frequency_penalty", "n", "response_format", "reasoning_effort",
            "verbosity", "user", "stream", "stream_options", "web_search_options", "thinking", "thinking_config");

    private ChatRequestDecoder() {}

    static IrRequest decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("request body must be a JSON object");
        }
        JsonNode messagesNode = body.get("messages");
        if (messagesNode == null || !messagesNode.isArray()) {
            throw new TransformException("messages must be an array");
        }
        List<Content> system = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        decodeMessages(messagesNode, system, messages, ctx);

        List<Tool> tools = decodeTools(body, ctx);
        JsonNode stream = body.get("stream");
        IrRequest request = new IrRequest(ChatNodes.requireText(body, "model", "request"), system, messages, tools,
                decodeToolChoice(body, ctx), ChatNodes.bool(body, "parallel_tool_calls"), decodeGeneration(body),
                decodeResponseFormat(body.get("response_format"), ctx), decodeReasoning(body),
                stream != null && stream.isBoolean() && stream.booleanValue(), ChatNodes.text(body, "user"));
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!READ.contains(field) && !body.get(field).isNull()) {
                ctx.loss().drop(field);
            }
        }
        return request;
    }

    /**
     * System and developer messages before the first other message are the IR system prompt; later ones stay in
     * place as SYSTEM messages. Consecutive tool results become one TOOL message (the answers to one turn).
     */
    private static void decodeMessages(JsonNode messagesNode, List<Content> system, List<Message> messages,
                                       TransformContext ctx) throws TransformException {
        Map<String, String> callNames = new HashMap<>();
        boolean leading = true;
        int i = 0;
        for (JsonNode m : messagesNode) {
            String where = "messages[" + i++ + "]";
            if (!m.isObject()) {
                throw new TransformException(where + " must be an object");
            }
            String role = ChatNodes.requireText(m, "role", where);
            if (role == null) {
                throw new TransformException(where + ".role is required");
            }
            if (ChatNodes.present(m, "name") && !"function".equals(role)) {
                ctx.loss().drop("messages[].name");
            }
            switch (role) {
                case "system", "developer" -> {
                    List<Content> text = ChatContentParts.decodeText(m.get("content"), ctx, where);
                    if (leading) {
                        system.addAll(text);
                    } else if (!text.isEmpty()) {
                        messages.add(new Message(Role.SYSTEM, text));
                    }
                }
                case "user" -> {
                    leading = false;
                    messages.add(new Message(Role.USER, ChatContentParts.decodeUser(m.get("content"), ctx, where)));
                }
                case "assistant" -> {
                    leading = false;
                    List<Content> content = ChatAssistantMessages.decode(m, ctx, where);
                    for (Content c : content) {
                        if (c instanceof Content.ToolCall call) {
                            callNames.put(call.id(), call.name());
                        }
                    }
                    messages.add(new Message(Role.ASSISTANT, content));
                }
                case "tool" -> {
                    leading = false;
                    String callId = ChatNodes.requireText(m, "tool_call_id", where);
                    if (callId == null) {
                        throw new TransformException(where + ".tool_call_id is required");
                    }
                    addToolResult(messages, new Content.ToolResult(callId, callNames.get(callId),
                            ChatContentParts.decodeText(m.get("content"), ctx, where), false));
                }
                case "function" -> {
                    leading = false;
                    String name = ChatNodes.requireText(m, "name", where);
                    addToolResult(messages, new Content.ToolResult(ChatAssistantMessages.legacyCallId(name), name,
                            ChatContentParts.decodeText(m.get("content"), ctx, where), false));
                }
                default -> throw new TransformException(where + ".role '" + role + "' is not a Chat role");
            }
        }
    }

    private static void addToolResult(List<Message> messages, Content.ToolResult result) {
        Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && last.role() == Role.TOOL) {
            List<Content> merged = new ArrayList<>(last.content());
            merged.add(result);
            messages.set(messages.size() - 1, new Message(Role.TOOL, merged));
        } else {
            messages.add(new Message(Role.TOOL, List.of(result)));
        }
    }

    private static List<Tool> decodeTools(JsonNode body, TransformContext ctx) throws TransformException {
        List<Tool> tools = new ArrayList<>();
        JsonNode toolsNode = body.get("tools");
        if (toolsNode != null && !toolsNode.isNull()) {
            if (!toolsNode.isArray()) {
                throw new TransformException("tools must be an array");
            }
            for (JsonNode t : toolsNode) {
                String type = t.hasNonNull("type") ? ChatNodes.text(t, "type") : "function";
                if ("function".equals(type)) {
                    tools.add(function(t.get("function"), "tools[].function"));
                } else if ("custom".equals(type)) {
                    JsonNode custom = t.get("custom");
                    if (custom == null || !custom.isObject()) {
                        throw new TransformException("tools[].custom must be an object");
                    }
                    JsonNode format = custom.get("format");
                    if (format != null && !format.isNull() && !"text".equals(ChatNodes.text(format, "type"))) {
                        ctx.loss().drop("tools[].custom.format");
                    }
                    tools.add(new Tool(ChatNodes.text(custom, "name"), ChatNodes.text(custom, "description"), null,
                            null, Tool.Kind.CUSTOM));
                } else {
                    ctx.loss().drop("tools[]." + type);
                }
            }
        }
        JsonNode functions = body.get("functions");
        if (functions != null && functions.isArray()) {
            for (JsonNode f : functions) {
                tools.add(function(f, "functions[]"));
            }
        }
        JsonNode webSearch = body.get("web_search_options");
        if (webSearch != null && webSearch.isObject()) {
            webSearch.fieldNames().forEachRemaining(f -> ctx.loss().drop("web_search_options." + f));
            tools.add(new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH));
        }
        return tools;
    }

    private static Tool function(JsonNode fn, String where) throws TransformException {
        if (fn == null || !fn.isObject()) {
            throw new TransformException(where + " must be an object");
        }
        String name = ChatNodes.requireText(fn, "name", where);
        if (name == null) {
            throw new TransformException(where + ".name is required");
        }
        JsonNode params = fn.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new TransformException(where + ".parameters must be an object");
        }
        return new Tool(name, ChatNodes.text(fn, "description"),
                params == null || params.isNull() ? null : (ObjectNode) params.deepCopy(),
                ChatNodes.bool(fn, "strict"), Tool.Kind.FUNCTION);
    }

    private static ToolChoice decodeToolChoice(JsonNode body, TransformContext ctx) throws TransformException {
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            choice = body.get("function_call"); // legacy: "auto" | "none" | {name}
        }
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> throw new TransformException("tool_choice '" + choice.asText() + "' is not a Chat choice");
            };
        }
        if (!choice.isObject()) {
            throw new TransformException("tool_choice must be a string or an object");
        }
        String type = ChatNodes.text(choice, "type");
        if ("allowed_tools".equals(type)) {
            // IR has no allowed subset: keep the mode over all tools
            ctx.loss().drop("tool_choice.allowed_tools");
            String mode = ChatNodes.text(choice.get("allowed_tools"), "mode");
            return "required".equals(mode) ? ToolChoice.REQUIRED : ToolChoice.AUTO;
        }
        String name = "custom".equals(type) ? ChatNodes.text(choice.get("custom"), "name")
                : choice.has("function") ? ChatNodes.text(choice.get("function"), "name")
                : ChatNodes.text(choice, "name");
        if (name == null) {
            throw new TransformException("tool_choice needs a tool name");
        }
        return ToolChoice.named(name);
    }

    private static Generation decodeGeneration(JsonNode body) throws TransformException {
        Integer maxTokens = ChatNodes.integer(body, "max_tokens");
        Integer maxCompletion = ChatNodes.integer(body, "max_completion_tokens");
        if (maxTokens != null && maxCompletion != null && !maxTokens.equals(maxCompletion)) {
            throw new TransformException("max_tokens and max_completion_tokens are both set and differ");
        }
        return new Generation(maxCompletion != null ? maxCompletion : maxTokens, ChatNodes.number(body, "temperature"),
                ChatNodes.number(body, "top_p"), null, decodeStop(body.get("stop")), ChatNodes.longValue(body, "seed"),
                ChatNodes.number(body, "presence_penalty"), ChatNodes.number(body, "frequency_penalty"),
                ChatNodes.integer(body, "n"));
    }

    private static List<String> decodeStop(JsonNode stop) throws TransformException {
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw new TransformException("stop must be a string or an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw new TransformException("stop[] must be strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static ResponseFormat decodeResponseFormat(JsonNode rf, TransformContext ctx) throws TransformException {
        if (rf == null || rf.isNull()) {
            return null;
        }
        String type = ChatNodes.text(rf, "type");
        if (type == null) {
            throw new TransformException("response_format.type is required");
        }
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            case "json_object" -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
            case "json_schema" -> {
                JsonNode js = rf.get("json_schema");
                if (js == null || !js.isObject()) {
                    throw new TransformException("response_format.json_schema must be an object");
                }
                JsonNode schema = js.get("schema");
                if (schema != null && !schema.isNull() && !schema.isObject()) {
                    throw new TransformException("response_format.json_schema.schema must be an object");
                }
                yield new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, ChatNodes.text(js, "name"),
                        ChatNodes.text(js, "description"),
                        schema == null || schema.isNull() ? null : (ObjectNode) schema.deepCopy(),
                        ChatNodes.bool(js, "strict"));
            }
            default -> {
                ctx.loss().drop("response_format." + type);
                yield null;
            }
        };
    }

    /**
     * {@code reasoning_effort} and {@code verbosity} are Chat's own; {@code thinking} (Claude-shaped) and
     * {@code thinking_config} (Gemini-shaped) are gproxy extensions a Chat client may send to reach a budget.
     * Effort {@code none} is the one effort that also fixes the mode.
     */
    private static Reasoning decodeReasoning(JsonNode body) throws TransformException {
        String effort = ChatNodes.text(body, "reasoning_effort");
        String verbosity = ChatNodes.text(body, "verbosity");
        Reasoning.Mode mode = "none".equals(effort) ? Reasoning.Mode.DISABLED : null;
        Integer budget = null;
        Boolean includeThoughts = null;
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
            switch (String.valueOf(ChatNodes.text(thinking, "type"))) {
                case "enabled" -> {
                    mode = Reasoning.Mode.ENABLED;
                    budget = ChatNodes.integer(thinking, "budget_tokens");
                }
                case "disabled" -> mode = Reasoning.Mode.DISABLED;
                case "adaptive" -> mode = Reasoning.Mode.ADAPTIVE;
                default -> {
                    // unknown thinking type: leave the mode to the effort
                }
            }
        }
        JsonNode thinkingConfig = body.get("thinking_config");
        if (thinkingConfig != null && thinkingConfig.isObject()) {
            includeThoughts = ChatNodes.bool(thinkingConfig, "includeThoughts");
            if (budget == null) {
                budget = ChatNodes.integer(thinkingConfig, "thinkingBudget");
            }
            String level = ChatNodes.text(thinkingConfig, "thinkingLevel");
            if (effort == null && level != null) {
                effort = level.toLowerCase(Locale.ROOT);
            }
        }
        if (effort == null && verbosity == null && mode == null && budget == null && includeThoughts == null) {
            return null;
        }
        return new Reasoning(mode, effort, budget, includeThoughts, verbosity);
    }
}
