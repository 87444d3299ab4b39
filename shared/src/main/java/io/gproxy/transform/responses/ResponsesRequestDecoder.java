package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformException;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Responses request body ({@code POST /v1/responses}) to IR.
 *
 * <p>Input items become IR messages: message items by role (leading system/developer messages join
 * {@code instructions} in the IR system prompt, later ones become SYSTEM messages); consecutive assistant-side items
 * (assistant messages, reasoning, function and custom tool calls) form one ASSISTANT message, so a text reply and
 * the calls that follow it stay together as Chat and Claude expect; consecutive call outputs form one TOOL message.
 * Server-side state ({@code previous_response_id}, {@code item_reference}, {@code store}...) has no IR form and is
 * dropped with a loss note.
 */
final class ResponsesRequestDecoder {

    /** Top-level fields this decoder understands; every other present field is noted as dropped. */
    private static final Set<String> HANDLED = Set.of("model", "instructions", "input", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "reasoning", "text", "user",
            "safety_identifier", "stream");

    private final LossReport loss;
    private final List<Content> system = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final Map<String, String> callNames = new HashMap<>();
    private Role groupRole;
    private List<Content> group;
    private boolean conversationStarted;

    private ResponsesRequestDecoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    static IrRequest decode(JsonNode body, TransformContext ctx) throws TransformException {
        return new ResponsesRequestDecoder(ctx).run(body);
    }

    private IrRequest run(JsonNode body) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("request body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!HANDLED.contains(field) && !body.get(field).isNull()) {
                loss.drop(field);
            }
        }
        String model = JsonFields.str(body, "model");
        String instructions = JsonFields.str(body, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            system.add(new Content.Text(instructions));
        }
        decodeInput(body.get("input"));

        List<Tool> tools = decodeTools(body.get("tools"));
        ToolChoice toolChoice = decodeToolChoice(body.get("tool_choice"));
        Boolean parallel = JsonFields.bool(body, "parallel_tool_calls");
        Generation generation = new Generation(JsonFields.integer(body, "max_output_tokens"),
                JsonFields.number(body, "temperature"), JsonFields.number(body, "top_p"), null, null, null, null,
                null, null);
        JsonNode text = body.get("text");
        if (text != null && !text.isNull() && !text.isObject()) {
            throw new TransformException("'text' must be an object");
        }
        ResponseFormat format = text == null || text.isNull() ? null : decodeFormat(text.get("format"));
        String verbosity = text == null || text.isNull() ? null : JsonFields.str(text, "verbosity");
        Reasoning reasoning = decodeReasoning(body.get("reasoning"), verbosity);
        String user = JsonFields.str(body, "user");
        String safety = JsonFields.str(body, "safety_identifier");
        if (user == null) {
            user = safety;
        } else if (safety != null && !safety.equals(user)) {
            loss.drop("safety_identifier");
        }
        boolean stream = body.path("stream").isBoolean() && body.get("stream").booleanValue();
        return new IrRequest(model, system, messages, tools, toolChoice, parallel, generation, format, reasoning,
                stream, user);
    }

    // ------------------------------------------------------------------ input

    private void decodeInput(JsonNode input) throws TransformException {
        if (input == null || input.isNull()) {
            return;
        }
        if (input.isTextual()) {
            if (!input.asText().isEmpty()) {
                messages.add(new Message(Role.USER, List.of(new Content.Text(input.asText()))));
            }
            return;
        }
        if (!input.isArray()) {
            throw new TransformException("'input' must be a string or an array of items");
        }
        for (JsonNode item : input) {
            if (!item.isObject()) {
                throw new TransformException("'input' items must be objects");
            }
            decodeItem(item);
        }
        flush();
    }

    private void decodeItem(JsonNode item) throws TransformException {
        String type = JsonFields.strLenient(item, "type");
        if (type == null && item.has("role")) {
            type = "message"; // an "easy" input message: {role, content}
        }
        switch (type == null ? "" : type) {
            case "message" -> decodeMessage(item);
            case "reasoning" -> {
                Content.Reasoning r = ReasoningItems.decode(item, loss);
                if (r != null) {
                    addTo(Role.ASSISTANT, r);
                } else if (item.has("id")) {
                    loss.drop("input.reasoning"); // a reference to a stored item: only the server can resolve it
                }
            }
            case "function_call", "custom_tool_call" -> {
                boolean custom = type.equals("custom_tool_call");
                String callId = callId(item);
                String name = JsonFields.str(item, "name");
                if (name == null) {
                    throw new TransformException(type + " item without a 'name'");
                }
                String args = custom ? JsonFields.str(item, "input") : JsonFields.str(item, "arguments");
                callNames.put(callId, name);
                addTo(Role.ASSISTANT, new Content.ToolCall(callId, name, args == null ? (custom ? "" : "{}") : args,
                        custom));
            }
            case "function_call_output", "custom_tool_call_output" -> {
                String callId = callId(item);
                List<Content> output = decodeOutput(item.get("output"));
                addTo(Role.TOOL, new Content.ToolResult(callId, callNames.get(callId), output, false));
            }
            default -> loss.drop("input." + (type == null ? "unknown" : type));
        }
    }

    private static String callId(JsonNode item) throws TransformException {
        String callId = JsonFields.str(item, "call_id");
        if (callId == null) {
            callId = JsonFields.strLenient(item, "id");
        }
        if (callId == null) {
            throw new TransformException(JsonFields.strLenient(item, "type") + " item without a 'call_id'");
        }
        return callId;
    }

    private List<Content> decodeOutput(JsonNode output) throws TransformException {
        if (output == null || output.isNull()) {
            return List.of();
        }
        if (output.isTextual()) {
            return output.asText().isEmpty() ? List.of() : List.of(new Content.Text(output.asText()));
        }
        if (output.isArray()) {
            return ContentParts.decode(output, loss);
        }
        throw new TransformException("tool call 'output' must be a string or an array");
    }

    private void decodeMessage(JsonNode item) throws TransformException {
        String role = JsonFields.str(item, "role");
        if (role == null) {
            throw new TransformException("message item without a 'role'");
        }
        List<Content> content = ContentParts.decode(item.get("content"), loss);
        switch (role) {
            case "system", "developer" -> {
                if (!conversationStarted) {
                    system.addAll(content);
                } else if (!content.isEmpty()) {
                    flush();
                    messages.add(new Message(Role.SYSTEM, content));
                }
            }
            case "user" -> {
                flush();
                conversationStarted = true;
                if (!content.isEmpty()) {
                    messages.add(new Message(Role.USER, content));
                }
            }
            case "assistant" -> {
                conversationStarted = true;
                for (Content c : content) {
                    addTo(Role.ASSISTANT, c);
                }
            }
            default -> throw new TransformException("unknown message role '" + role + "'");
        }
    }

    private void addTo(Role role, Content content) {
        conversationStarted = true;
        if (groupRole != role) {
            flush();
            groupRole = role;
            group = new ArrayList<>();
        }
        group.add(content);
    }

    private void flush() {
        if (groupRole != null && !group.isEmpty()) {
            messages.add(new Message(groupRole, group));
        }
        groupRole = null;
        group = null;
    }

    // ------------------------------------------------------------------ tools

    private List<Tool> decodeTools(JsonNode tools) throws TransformException {
        List<Tool> out = new ArrayList<>();
        if (tools == null || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw new TransformException("'tools' must be an array");
        }
        for (JsonNode tool : tools) {
            if (!tool.isObject()) {
                throw new TransformException("'tools' entries must be objects");
            }
            String type = JsonFields.strLenient(tool, "type");
            if (type == null) {
                type = "";
            }
            switch (type) {
                case "function" -> {
                    String name = JsonFields.str(tool, "name");
                    if (name == null) {
                        throw new TransformException("function tool without a 'name'");
                    }
                    JsonNode params = tool.get("parameters");
                    if (params != null && !params.isNull() && !params.isObject()) {
                        throw new TransformException("function tool 'parameters' must be an object");
                    }
                    out.add(new Tool(name, JsonFields.str(tool, "description"),
                            params == null || params.isNull() ? null : ((ObjectNode) params).deepCopy(),
                            JsonFields.bool(tool, "strict"), Tool.Kind.FUNCTION));
                }
                case "custom" -> {
                    String name = JsonFields.str(tool, "name");
                    if (name == null) {
                        throw new TransformException("custom tool without a 'name'");
                    }
                    JsonNode format = tool.get("format");
                    if (format != null && format.isObject() && !"text".equals(format.path("type").asText())) {
                        loss.drop("tools.format"); // a grammar constraint: the IR has no slot for it
                    }
                    out.add(new Tool(name, JsonFields.str(tool, "description"), null, null, Tool.Kind.CUSTOM));
                }
                default -> {
                    if (type.startsWith("web_search")) {
                        if (tool.size() > 1) {
                            loss.drop("tools.web_search.options");
                        }
                        out.add(new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH));
                    } else {
                        loss.drop("tools." + (type.isEmpty() ? "unknown" : type));
                    }
                }
            }
        }
        return out;
    }

    private ToolChoice decodeToolChoice(JsonNode choice) throws TransformException {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "required" -> ToolChoice.REQUIRED;
                case "none" -> ToolChoice.NONE;
                default -> throw new TransformException("unknown tool_choice '" + choice.asText() + "'");
            };
        }
        if (!choice.isObject()) {
            throw new TransformException("'tool_choice' must be a string or an object");
        }
        String type = JsonFields.strLenient(choice, "type");
        if ("function".equals(type) || "custom".equals(type)) {
            String name = JsonFields.str(choice, "name");
            if (name == null) {
                throw new TransformException("tool_choice of type " + type + " without a 'name'");
            }
            return ToolChoice.named(name);
        }
        if ("allowed_tools".equals(type)) {
            // The allow-list has no IR form; its mode still says whether a call is required.
            loss.drop("tool_choice.allowed_tools");
            return "required".equals(choice.path("mode").asText()) ? ToolChoice.REQUIRED : ToolChoice.AUTO;
        }
        if (type != null && type.startsWith("web_search")) {
            loss.drop("tool_choice." + type);
            return ToolChoice.REQUIRED;
        }
        loss.drop("tool_choice");
        return null;
    }

    // ------------------------------------------------------------------ output controls

    private ResponseFormat decodeFormat(JsonNode format) throws TransformException {
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw new TransformException("'text.format' must be an object");
        }
        String type = JsonFields.str(format, "type");
        if (type == null) {
            throw new TransformException("'text.format' without a 'type'");
        }
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            case "json_object" -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
            case "json_schema" -> {
                JsonNode schema = format.get("schema");
                if (schema != null && !schema.isNull() && !schema.isObject()) {
                    throw new TransformException("'text.format.schema' must be an object");
                }
                yield new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, JsonFields.str(format, "name"),
                        JsonFields.str(format, "description"),
                        schema == null || schema.isNull() ? null : ((ObjectNode) schema).deepCopy(),
                        JsonFields.bool(format, "strict"));
            }
            default -> throw new TransformException("unknown text.format type '" + type + "'");
        };
    }

    /**
     * {@code reasoning.effort} is kept as the effort (other encoders derive thinking modes from it: {@code none}
     * means disabled); a requested summary means the client wants reasoning text back.
     */
    private Reasoning decodeReasoning(JsonNode reasoning, String verbosity) throws TransformException {
        String effort = null;
        Boolean includeThoughts = null;
        if (reasoning != null && !reasoning.isNull()) {
            if (!reasoning.isObject()) {
                throw new TransformException("'reasoning' must be an object");
            }
            effort = JsonFields.str(reasoning, "effort");
            String summary = JsonFields.str(reasoning, "summary");
            if (summary == null) {
                summary = JsonFields.str(reasoning, "generate_summary");
            }
            if (summary != null) {
                includeThoughts = !"none".equals(summary);
                if (!"auto".equals(summary) && !"none".equals(summary)) {
                    loss.drop("reasoning.summary"); // concise/detailed: only "wants a summary" survives
                }
            }
        }
        if (effort == null && includeThoughts == null && verbosity == null) {
            return null;
        }
        return new Reasoning(null, effort, null, includeThoughts, verbosity);
    }
}
