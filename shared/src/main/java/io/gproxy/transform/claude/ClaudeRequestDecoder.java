package io.gproxy.transform.claude;

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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Messages request body to IR. A user turn holding {@code tool_result} blocks becomes one IR TOOL message per
 * result followed by a USER message with the turn's other blocks, which is the order every other protocol needs.
 */
final class ClaudeRequestDecoder {

    private static final Set<String> HANDLED = Set.of("model", "messages", "system", "max_tokens", "temperature",
            "top_p", "top_k", "stop_sequences", "stream", "metadata", "thinking", "tools", "tool_choice",
            "output_config", "output_format");

    private final LossReport loss;
    /** tool_use id → name, so tool results carry the name Gemini needs. */
    private final Map<String, String> toolNames = new HashMap<>();

    private ClaudeRequestDecoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    static IrRequest decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("request body must be a JSON object");
        }
        return new ClaudeRequestDecoder(ctx).decodeBody(body);
    }

    private IrRequest decodeBody(JsonNode body) throws TransformException {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!HANDLED.contains(field)) {
                loss.drop(field); // service_tier, container, mcp_servers, context_management, ...
            }
        }
        String model = ClaudeJson.string(body, "model", "request");
        List<Content> system = decodeSystem(body.get("system"));
        JsonNode messagesNode = body.get("messages");
        if (messagesNode == null || !messagesNode.isArray()) {
            throw new TransformException("messages must be an array");
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : messagesNode) {
            decodeMessage(m, messages);
        }
        List<Tool> tools = decodeTools(body.get("tools"));
        ToolChoice toolChoice = null;
        Boolean parallel = null;
        JsonNode tc = body.get("tool_choice");
        if (tc != null && !tc.isNull()) {
            if (!tc.isObject()) {
                throw new TransformException("tool_choice must be an object");
            }
            toolChoice = decodeToolChoice(tc);
            JsonNode disable = tc.get("disable_parallel_tool_use");
            if (disable != null && disable.isBoolean()) {
                parallel = !disable.booleanValue();
            }
        }
        Generation generation = new Generation(ClaudeJson.optInt(body, "max_tokens", loss),
                ClaudeJson.optDouble(body, "temperature", loss), ClaudeJson.optDouble(body, "top_p", loss),
                ClaudeJson.optInt(body, "top_k", loss), decodeStops(body.get("stop_sequences")), null, null, null,
                null);
        JsonNode outputConfig = body.get("output_config");
        if (outputConfig != null && !outputConfig.isNull() && !outputConfig.isObject()) {
            throw new TransformException("output_config must be an object");
        }
        ResponseFormat format = decodeFormat(outputConfig == null ? null : outputConfig.get("format"));
        if (format == null) {
            format = decodeFormat(body.get("output_format")); // the structured-outputs beta spelling
        }
        Reasoning reasoning = decodeReasoning(body.get("thinking"),
                outputConfig == null ? null : outputConfig.get("effort"));
        JsonNode stream = body.get("stream");
        String user = null;
        JsonNode metadata = body.get("metadata");
        if (metadata != null && metadata.isObject()) {
            user = ClaudeJson.lenientString(metadata, "user_id");
        }
        return new IrRequest(model, system, messages, tools, toolChoice, parallel, generation, format, reasoning,
                stream != null && stream.isBoolean() && stream.booleanValue(), user);
    }

    private List<Content> decodeSystem(JsonNode system) throws TransformException {
        List<Content> out = new ArrayList<>();
        if (system == null || system.isNull()) {
            return out;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                out.add(new Content.Text(system.asText()));
            }
            return out;
        }
        if (!system.isArray()) {
            throw new TransformException("system must be a string or an array of text blocks");
        }
        for (JsonNode block : system) {
            if (!block.isObject() || !"text".equals(ClaudeJson.lenientString(block, "type"))) {
                throw new TransformException("system blocks must be text blocks");
            }
            ClaudeBlocks.noteBlockExtras(block, loss);
            Content.Text t = ClaudeBlocks.decodeText(block);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private void decodeMessage(JsonNode m, List<Message> out) throws TransformException {
        if (!m.isObject()) {
            throw new TransformException("messages[] must be objects");
        }
        String roleName = ClaudeJson.string(m, "role", "messages[]");
        Role role = switch (roleName == null ? "" : roleName) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            // Not in the public API, but some clients send it; the IR has a place for it.
            case "system" -> Role.SYSTEM;
            default -> throw new TransformException("messages[].role must be user or assistant");
        };
        JsonNode content = m.get("content");
        List<Content> blocks = new ArrayList<>();
        List<Content.ToolResult> results = new ArrayList<>();
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                blocks.add(new Content.Text(content.asText()));
            }
        } else if (content != null && content.isArray()) {
            for (JsonNode block : content) {
                decodeBlock(block, role, blocks, results);
            }
        } else {
            throw new TransformException("messages[].content must be a string or an array");
        }
        for (Content.ToolResult r : results) {
            out.add(new Message(Role.TOOL, List.of(r)));
        }
        if (!blocks.isEmpty()) {
            out.add(new Message(role, blocks));
        }
    }

    private void decodeBlock(JsonNode block, Role role, List<Content> blocks, List<Content.ToolResult> results)
            throws TransformException {
        if (!block.isObject()) {
            throw new TransformException("content blocks must be objects");
        }
        ClaudeBlocks.noteBlockExtras(block, loss);
        String type = ClaudeJson.string(block, "type", "content block");
        Content c;
        switch (type == null ? "" : type) {
            case "text" -> c = ClaudeBlocks.decodeText(block);
            case "image" -> c = ClaudeBlocks.decodeImage(block, loss);
            case "document" -> c = ClaudeBlocks.decodeDocument(block, loss);
            case "thinking" -> c = ClaudeBlocks.decodeThinking(block);
            case "redacted_thinking" -> c = ClaudeBlocks.decodeRedactedThinking(block);
            case "tool_use" -> {
                Content.ToolCall call = ClaudeBlocks.decodeToolUse(block);
                if (call.id() != null) {
                    toolNames.put(call.id(), call.name());
                }
                c = call;
            }
            case "tool_result" -> {
                String id = ClaudeJson.string(block, "tool_use_id", "tool_result");
                JsonNode isError = block.get("is_error");
                results.add(new Content.ToolResult(id, id == null ? null : toolNames.get(id),
                        ClaudeBlocks.decodeToolResultContent(block, loss), isError != null && isError.asBoolean()));
                return;
            }
            default -> {
                // server_tool_use, web_search_tool_result, search_result, mcp_* ...: server-side state the IR
                // cannot replay on another provider.
                loss.drop(type);
                c = null;
            }
        }
        if (c != null) {
            blocks.add(c);
        }
    }

    private List<Tool> decodeTools(JsonNode tools) throws TransformException {
        List<Tool> out = new ArrayList<>();
        if (tools == null || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw new TransformException("tools must be an array");
        }
        for (JsonNode t : tools) {
            if (!t.isObject()) {
                throw new TransformException("tools[] must be objects");
            }
            if (ClaudeJson.present(t, "cache_control")) {
                loss.drop("cache_control");
            }
            String type = ClaudeJson.string(t, "type", "tools[]");
            if (type == null || type.equals("custom")) {
                String name = ClaudeJson.string(t, "name", "tools[]");
                if (name == null) {
                    throw new TransformException("tools[].name is required");
                }
                JsonNode schema = t.get("input_schema");
                JsonNode strict = t.get("strict");
                out.add(new Tool(name, ClaudeJson.string(t, "description", "tools[]"),
                        schema != null && schema.isObject() ? ((ObjectNode) schema).deepCopy() : null,
                        strict != null && strict.isBoolean() ? strict.booleanValue() : null, Tool.Kind.FUNCTION));
            } else if (type.startsWith("web_search_")) {
                for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("type") && !f.equals("name")) {
                        loss.drop("web_search." + f); // max_uses, allowed_domains, user_location, ...
                    }
                }
                out.add(new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH));
            } else {
                loss.drop("tools." + type); // bash, text_editor, code_execution, computer, web_fetch, memory ...
            }
        }
        return out;
    }

    private static ToolChoice decodeToolChoice(JsonNode tc) throws TransformException {
        String type = ClaudeJson.string(tc, "type", "tool_choice");
        return switch (type == null ? "" : type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> {
                String name = ClaudeJson.string(tc, "name", "tool_choice");
                if (name == null) {
                    throw new TransformException("tool_choice.name is required for type tool");
                }
                yield ToolChoice.named(name);
            }
            default -> throw new TransformException("tool_choice.type must be auto, any, none or tool");
        };
    }

    private List<String> decodeStops(JsonNode stops) {
        if (stops == null || stops.isNull()) {
            return null;
        }
        if (!stops.isArray()) {
            loss.drop("stop_sequences");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : stops) {
            if (s.isTextual()) {
                out.add(s.asText());
            }
        }
        return out;
    }

    private ResponseFormat decodeFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return null;
        }
        JsonNode schema = format.get("schema");
        if (!"json_schema".equals(ClaudeJson.lenientString(format, "type")) || schema == null || !schema.isObject()) {
            loss.drop("output_config.format");
            return null;
        }
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, null, ((ObjectNode) schema).deepCopy(),
                null);
    }

    /**
     * {@code thinking} gives the mode (and budget; {@code display} says whether thinking text comes back);
     * {@code output_config.effort} is the IR verbosity (surface.md §4.4), where xhigh/max saturate at high.
     */
    private Reasoning decodeReasoning(JsonNode thinking, JsonNode effort) throws TransformException {
        Reasoning.Mode mode = null;
        Integer budget = null;
        Boolean include = null;
        if (thinking != null && !thinking.isNull()) {
            if (!thinking.isObject()) {
                throw new TransformException("thinking must be an object");
            }
            String type = ClaudeJson.string(thinking, "type", "thinking");
            mode = switch (type == null ? "" : type) {
                case "enabled" -> Reasoning.Mode.ENABLED;
                case "disabled" -> Reasoning.Mode.DISABLED;
                case "adaptive" -> Reasoning.Mode.ADAPTIVE;
                default -> throw new TransformException("thinking.type must be enabled, disabled or adaptive");
            };
            if (mode == Reasoning.Mode.ENABLED) {
                budget = ClaudeJson.optInt(thinking, "budget_tokens", loss);
            }
            String display = ClaudeJson.lenientString(thinking, "display");
            if (display != null) {
                include = !display.equals("omitted");
            }
        }
        String verbosity = null;
        if (effort != null && effort.isTextual()) {
            verbosity = switch (effort.asText()) {
                case "low", "medium", "high" -> effort.asText();
                case "xhigh", "max" -> {
                    loss.drop("output_config.effort");
                    yield "high";
                }
                default -> {
                    loss.drop("output_config.effort");
                    yield null;
                }
            };
        }
        if (mode == null && verbosity == null) {
            return null;
        }
        return new Reasoning(mode, null, budget, include, verbosity);
    }
}
