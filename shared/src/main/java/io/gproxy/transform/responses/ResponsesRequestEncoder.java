package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IR to a Responses request body for an upstream. The request is stateless: {@code store:false} always (the gateway
 * never sends {@code previous_response_id}, so nothing needs persisting), no item ids in {@code input}, and
 * {@code include:["reasoning.encrypted_content"]} whenever reasoning is in play, so the next turn can send OpenAI's
 * reasoning back.
 */
final class ResponsesRequestEncoder {
    static final int MIN_OUTPUT_TOKENS = 16;

    private final LossReport loss;
    private final Set<String> customCallIds = new HashSet<>();

    private ResponsesRequestEncoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    static ObjectNode encode(IrRequest request, TransformContext ctx) {
        return new ResponsesRequestEncoder(ctx).run(request);
    }

    private ObjectNode run(IrRequest request) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (request.model() != null) {
            body.put("model", request.model());
        }
        ArrayNode input = Json.MAPPER.createArrayNode();
        encodeSystem(request.system(), body, input);
        for (Message m : request.messages()) {
            for (Content c : m.content()) {
                if (c instanceof Content.ToolCall tc && tc.custom()) {
                    customCallIds.add(tc.id());
                }
            }
        }
        boolean encryptedReasoning = false;
        for (Message m : request.messages()) {
            encryptedReasoning |= encodeMessage(m, input);
        }
        body.set("input", input);

        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (Tool t : request.tools()) {
                tools.add(encodeTool(t));
            }
        }
        if (request.toolChoice() != null) {
            body.set("tool_choice", encodeToolChoice(request.toolChoice(), request.tools()));
        }
        if (request.parallelToolCalls() != null) {
            body.put("parallel_tool_calls", request.parallelToolCalls());
        }
        encodeGeneration(request.generation(), body);
        boolean reasoningOn = encodeReasoning(request.reasoning(), body);
        encodeText(request.responseFormat(), request.reasoning(), body);
        if (request.user() != null) {
            body.put("user", request.user());
        }
        body.put("stream", request.stream());
        body.put("store", false);
        if (encryptedReasoning || reasoningOn) {
            body.putArray("include").add("reasoning.encrypted_content");
        }
        return body;
    }

    /**
     * The first system block becomes {@code instructions}, any further blocks a leading developer message: decoding
     * reads them back in that order, so the blocks keep their boundaries (a Codex request comes back as it was).
     */
    private void encodeSystem(List<Content> system, ObjectNode body, ArrayNode input) {
        List<Content> texts = system.stream()
                .filter(c -> c instanceof Content.Text t && !t.text().isEmpty()).toList();
        system.stream().filter(c -> !(c instanceof Content.Text))
                .forEach(c -> loss.drop("system." + ContentParts.lossName(c)));
        if (!texts.isEmpty()) {
            body.put("instructions", ((Content.Text) texts.get(0)).text());
        }
        if (texts.size() > 1) {
            input.add(message("developer", ContentParts.encodeInputParts(texts.subList(1, texts.size()), loss)));
        }
    }

    private static ObjectNode message(String role, ArrayNode parts) {
        ObjectNode m = Json.MAPPER.createObjectNode().put("type", "message").put("role", role);
        m.set("content", parts);
        return m;
    }

    /** Returns whether the message carried encrypted reasoning. */
    private boolean encodeMessage(Message m, ArrayNode input) {
        switch (m.role()) {
            case SYSTEM -> encodeUserSide("developer", m.content(), input);
            case USER, TOOL -> encodeUserSide("user", m.content(), input);
            case ASSISTANT -> {
                return encodeAssistant(m.content(), input);
            }
        }
        return false;
    }

    /** User-side content in order; tool results become output items where they stand. */
    private void encodeUserSide(String role, List<Content> content, ArrayNode input) {
        ArrayNode pending = Json.MAPPER.createArrayNode();
        for (Content c : content) {
            if (c instanceof Content.ToolResult tr) {
                flushMessage(role, pending, input);
                pending = Json.MAPPER.createArrayNode();
                input.add(encodeToolResult(tr));
                continue;
            }
            ObjectNode part = ContentParts.encodeInputPart(c, loss);
            if (part != null) {
                pending.add(part);
            } else if (!(c instanceof Content.Text)) {
                loss.drop(role + "." + ContentParts.lossName(c));
            }
        }
        flushMessage(role, pending, input);
    }

    private static void flushMessage(String role, ArrayNode parts, ArrayNode input) {
        if (!parts.isEmpty()) {
            input.add(message(role, parts));
        }
    }

    private ObjectNode encodeToolResult(Content.ToolResult tr) {
        boolean custom = customCallIds.contains(tr.callId());
        ObjectNode item = Json.MAPPER.createObjectNode()
                .put("type", custom ? "custom_tool_call_output" : "function_call_output")
                .put("call_id", tr.callId());
        if (tr.isError()) {
            loss.drop("tool_result.is_error");
        }
        List<Content> content = tr.content();
        boolean allText = content.stream().allMatch(c -> c instanceof Content.Text);
        if (content.isEmpty()) {
            item.put("output", "");
        } else if (allText && content.size() == 1) {
            item.put("output", ((Content.Text) content.get(0)).text());
        } else {
            item.set("output", ContentParts.encodeInputParts(content, loss));
        }
        return item;
    }

    private boolean encodeAssistant(List<Content> content, ArrayNode input) {
        boolean encrypted = false;
        ArrayNode pending = Json.MAPPER.createArrayNode();
        for (Content c : content) {
            switch (c) {
                case Content.Text t -> {
                    if (!t.text().isEmpty()) {
                        pending.addObject().put("type", "output_text").put("text", t.text());
                    }
                }
                case Content.Refusal r -> pending.addObject().put("type", "refusal").put("refusal", r.text());
                case Content.Reasoning r -> {
                    pending = flushAssistant(pending, input);
                    ObjectNode item = ReasoningItems.encodeInput(r, loss);
                    if (item != null) {
                        input.add(item);
                        encrypted |= r.encrypted() != null;
                    }
                }
                case Content.ToolCall tc -> {
                    pending = flushAssistant(pending, input);
                    ObjectNode item = input.addObject();
                    String callId = tc.id() != null ? tc.id() : "call_" + input.size();
                    if (tc.custom()) {
                        item.put("type", "custom_tool_call").put("call_id", callId).put("name", tc.name())
                                .put("input", tc.arguments() == null ? "" : tc.arguments());
                    } else {
                        item.put("type", "function_call").put("call_id", callId).put("name", tc.name())
                                .put("arguments", tc.arguments() == null || tc.arguments().isEmpty()
                                        ? "{}" : tc.arguments());
                    }
                }
                case Content.ToolResult tr -> {
                    pending = flushAssistant(pending, input);
                    input.add(encodeToolResult(tr));
                }
                default -> loss.drop("assistant." + ContentParts.lossName(c));
            }
        }
        flushAssistant(pending, input);
        return encrypted;
    }

    /** Assistant text as Codex sends it back: a message item without id or status. */
    private static ArrayNode flushAssistant(ArrayNode parts, ArrayNode input) {
        if (!parts.isEmpty()) {
            input.add(message("assistant", parts));
            return Json.MAPPER.createArrayNode();
        }
        return parts;
    }

    // ------------------------------------------------------------------ tools

    /**
     * {@code strict} is always written: the Responses API defaults it to true, which would reject the many schemas
     * written for Chat or Claude that are not strict-mode compatible.
     */
    private ObjectNode encodeTool(Tool t) {
        ObjectNode tool = Json.MAPPER.createObjectNode();
        switch (t.kind()) {
            case FUNCTION -> {
                tool.put("type", "function").put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
                if (t.parameters() != null) {
                    tool.set("parameters", t.parameters().deepCopy());
                } else {
                    tool.putObject("parameters").put("type", "object").putObject("properties");
                }
                tool.put("strict", Boolean.TRUE.equals(t.strict()));
            }
            case CUSTOM -> {
                tool.put("type", "custom").put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
            }
            case WEB_SEARCH -> tool.put("type", "web_search");
        }
        return tool;
    }

    private static com.fasterxml.jackson.databind.JsonNode encodeToolChoice(ToolChoice choice, List<Tool> tools) {
        return switch (choice.mode()) {
            case AUTO -> Json.MAPPER.getNodeFactory().textNode("auto");
            case REQUIRED -> Json.MAPPER.getNodeFactory().textNode("required");
            case NONE -> Json.MAPPER.getNodeFactory().textNode("none");
            case NAMED -> {
                boolean custom = tools.stream()
                        .anyMatch(t -> t.kind() == Tool.Kind.CUSTOM && t.name().equals(choice.name()));
                yield Json.MAPPER.createObjectNode().put("type", custom ? "custom" : "function")
                        .put("name", choice.name());
            }
        };
    }

    // ------------------------------------------------------------------ generation and output controls

    private void encodeGeneration(Generation g, ObjectNode body) {
        if (g.maxTokens() != null) {
            // The API rejects limits below 16; Claude clients probe with max_tokens 1.
            if (g.maxTokens() < MIN_OUTPUT_TOKENS) {
                loss.drop("max_output_tokens");
            }
            body.put("max_output_tokens", Math.max(g.maxTokens(), MIN_OUTPUT_TOKENS));
        }
        if (g.temperature() != null) {
            body.put("temperature", g.temperature());
        }
        if (g.topP() != null) {
            body.put("top_p", g.topP());
        }
        if (g.topK() != null) {
            loss.drop("top_k");
        }
        if (g.stop() != null && !g.stop().isEmpty()) {
            loss.drop("stop");
        }
        if (g.seed() != null) {
            loss.drop("seed");
        }
        if (g.presencePenalty() != null) {
            loss.drop("presence_penalty");
        }
        if (g.frequencyPenalty() != null) {
            loss.drop("frequency_penalty");
        }
        if (g.candidateCount() != null && g.candidateCount() != 1) {
            loss.drop("n");
        }
    }

    /**
     * Effort passes through; a thinking mode without an effort maps as spec/surface.md §4.8 says (disabled ⇒
     * {@code none}, enabled or adaptive ⇒ {@code medium}). Returns whether reasoning is on.
     */
    private boolean encodeReasoning(Reasoning r, ObjectNode body) {
        if (r == null) {
            return false;
        }
        String effort = r.effort();
        if (effort == null && r.mode() != null) {
            effort = r.mode() == Reasoning.Mode.DISABLED ? "none" : "medium";
        }
        if (r.budgetTokens() != null) {
            loss.drop("reasoning.budget_tokens");
        }
        boolean summary = Boolean.TRUE.equals(r.includeThoughts()) && !"none".equals(effort);
        if (effort == null && !summary) {
            return false;
        }
        ObjectNode reasoning = body.putObject("reasoning");
        if (effort != null) {
            reasoning.put("effort", effort);
        }
        if (summary) {
            reasoning.put("summary", "auto");
        }
        return !"none".equals(effort);
    }

    private void encodeText(ResponseFormat f, Reasoning r, ObjectNode body) {
        String verbosity = r == null ? null : r.verbosity();
        if (f == null && verbosity == null) {
            return;
        }
        ObjectNode text = body.putObject("text");
        if (f != null) {
            ObjectNode format = text.putObject("format");
            switch (f.type()) {
                case TEXT -> format.put("type", "text");
                case JSON_OBJECT -> format.put("type", "json_object");
                case JSON_SCHEMA -> {
                    format.put("type", "json_schema").put("name", f.name() == null ? "response" : f.name());
                    if (f.description() != null) {
                        format.put("description", f.description());
                    }
                    if (f.schema() != null) {
                        format.set("schema", f.schema().deepCopy());
                    } else {
                        format.putObject("schema").put("type", "object");
                    }
                    if (f.strict() != null) {
                        format.put("strict", f.strict());
                    }
                }
            }
        }
        if (verbosity != null) {
            text.put("verbosity", verbosity);
        }
    }
}
