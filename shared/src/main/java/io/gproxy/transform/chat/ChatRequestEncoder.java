package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;

import java.util.ArrayList;
import java.util.List;

/** IR to a Chat Completions request body. */
final class ChatRequestEncoder {
    private ChatRequestEncoder() {}

    static ObjectNode encode(IrRequest ir, TransformContext ctx) {
        ObjectNode out = ChatNodes.object();
        ChatNodes.putIfNotNull(out, "model", ir.model());
        out.set("messages", encodeMessages(ir, ctx));
        boolean hasCallableTools = encodeTools(ir, out, ctx);
        encodeToolChoice(ir, out, hasCallableTools, ctx);
        encodeGeneration(ir.generation(), out, ctx);
        encodeResponseFormat(ir.responseFormat(), out);
        encodeReasoning(ir.reasoning(), out, ctx);
        ChatNodes.putIfNotNull(out, "user", ir.user());
        out.put("stream", ir.stream());
        if (ir.stream()) {
            // the gateway bills from the usage chunk, which Chat only sends when asked
            out.putObject("stream_options").put("include_usage", true);
        }
        return out;
    }

    private static ArrayNode encodeMessages(IrRequest ir, TransformContext ctx) {
        ArrayNode messages = ChatNodes.array();
        addSystem(messages, ir.system(), ctx);
        for (Message m : ir.messages()) {
            switch (m.role()) {
                case SYSTEM -> addSystem(messages, m.content(), ctx);
                case USER, TOOL -> addUserSide(messages, m.content(), ctx);
                case ASSISTANT -> {
                    List<Content> own = new ArrayList<>();
                    for (Content c : m.content()) {
                        if (c instanceof Content.ToolResult) {
                            ctx.loss().drop("assistant.tool_result");
                        } else {
                            own.add(c);
                        }
                    }
                    ObjectNode msg = messages.addObject().put("role", "assistant");
                    ChatAssistantMessages.encode(own, msg, ctx, "assistant", false);
                }
            }
        }
        return messages;
    }

    private static void addSystem(ArrayNode messages, List<Content> content, TransformContext ctx) {
        JsonNode text = ChatContentParts.encodeText(content, ctx, "system");
        if (!(text.isTextual() && text.asText().isEmpty())) {
            messages.addObject().put("role", "system").set("content", text);
        }
    }

    /**
     * Tool results become {@code tool} messages in place; other user content around them is flushed as user
     * messages so the order of the turn survives.
     */
    private static void addUserSide(ArrayNode messages, List<Content> content, TransformContext ctx) {
        List<Content> pending = new ArrayList<>();
        for (Content c : content) {
            if (c instanceof Content.ToolResult result) {
                flushUser(messages, pending, ctx);
                ObjectNode tool = messages.addObject().put("role", "tool").put("tool_call_id", result.callId());
                tool.set("content", ChatContentParts.encodeText(result.content(), ctx, "tool_result"));
                if (result.isError()) {
                    ctx.loss().drop("tool_result.is_error");
                }
            } else {
                pending.add(c);
            }
        }
        flushUser(messages, pending, ctx);
    }

    private static void flushUser(ArrayNode messages, List<Content> pending, TransformContext ctx) {
        if (pending.isEmpty()) {
            return;
        }
        messages.addObject().put("role", "user").set("content", ChatContentParts.encodeUser(pending, ctx));
        pending.clear();
    }

    /** Returns whether function or custom tools were written (tool_choice needs them). */
    private static boolean encodeTools(IrRequest ir, ObjectNode out, TransformContext ctx) {
        ArrayNode tools = ChatNodes.array();
        boolean webSearch = false;
        for (Tool t : ir.tools()) {
            switch (t.kind()) {
                case FUNCTION -> {
                    ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                    fn.put("name", t.name());
                    ChatNodes.putIfNotNull(fn, "description", t.description());
                    if (t.parameters() != null) {
                        fn.set("parameters", t.parameters().deepCopy());
                    }
                    if (t.strict() != null) {
                        fn.put("strict", t.strict());
                    }
                }
                case CUSTOM -> {
                    ObjectNode custom = tools.addObject().put("type", "custom").putObject("custom");
                    custom.put("name", t.name());
                    ChatNodes.putIfNotNull(custom, "description", t.description());
                }
                case WEB_SEARCH -> webSearch = true;
            }
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
        }
        if (webSearch) {
            out.putObject("web_search_options");
        }
        return !tools.isEmpty();
    }

    /** Chat rejects tool_choice and parallel_tool_calls without tools, so they go when no tool does. */
    private static void encodeToolChoice(IrRequest ir, ObjectNode out, boolean hasCallableTools, TransformContext ctx) {
        ToolChoice choice = ir.toolChoice();
        if (choice != null) {
            if (!hasCallableTools) {
                ctx.loss().drop("tool_choice");
            } else {
                switch (choice.mode()) {
                    case AUTO -> out.put("tool_choice", "auto");
                    case REQUIRED -> out.put("tool_choice", "required");
                    case NONE -> out.put("tool_choice", "none");
                    case NAMED -> encodeNamedChoice(ir, choice.name(), out, ctx);
                }
            }
        }
        if (ir.parallelToolCalls() != null) {
            if (hasCallableTools) {
                out.put("parallel_tool_calls", ir.parallelToolCalls());
            } else {
                ctx.loss().drop("parallel_tool_calls");
            }
        }
    }

    private static void encodeNamedChoice(IrRequest ir, String name, ObjectNode out, TransformContext ctx) {
        Tool.Kind kind = Tool.Kind.FUNCTION;
        for (Tool t : ir.tools()) {
            if (t.name() != null && t.name().equals(name)) {
                kind = t.kind();
            }
        }
        switch (kind) {
            case FUNCTION -> out.putObject("tool_choice").put("type", "function").putObject("function").put("name", name);
            case CUSTOM -> out.putObject("tool_choice").put("type", "custom").putObject("custom").put("name", name);
            case WEB_SEARCH -> ctx.loss().drop("tool_choice"); // Chat cannot force its built-in search
        }
    }

    private static void encodeGeneration(Generation g, ObjectNode out, TransformContext ctx) {
        if (g.maxTokens() != null) {
            out.put("max_completion_tokens", g.maxTokens());
        }
        if (g.temperature() != null) {
            out.put("temperature", g.temperature());
        }
        if (g.topP() != null) {
            out.put("top_p", g.topP());
        }
        if (g.topK() != null) {
            ctx.loss().drop("top_k");
        }
        if (g.stop() != null && !g.stop().isEmpty()) {
            ArrayNode stop = out.putArray("stop");
            g.stop().forEach(stop::add);
        }
        if (g.seed() != null) {
            out.put("seed", g.seed());
        }
        if (g.presencePenalty() != null) {
            out.put("presence_penalty", g.presencePenalty());
        }
        if (g.frequencyPenalty() != null) {
            out.put("frequency_penalty", g.frequencyPenalty());
        }
        if (g.candidateCount() != null) {
            out.put("n", g.candidateCount());
        }
    }

    private static void encodeResponseFormat(ResponseFormat rf, ObjectNode out) {
        if (rf == null) {
            return;
        }
        ObjectNode node = out.putObject("response_format");
        switch (rf.type()) {
            case TEXT -> node.put("type", "text");
            case JSON_OBJECT -> node.put("type", "json_object");
            case JSON_SCHEMA -> {
                node.put("type", "json_schema");
                ObjectNode js = node.putObject("json_schema");
                // name is required by Chat; other protocols may have none
                js.put("name", rf.name() != null ? rf.name() : "response");
                ChatNodes.putIfNotNull(js, "description", rf.description());
                if (rf.schema() != null) {
                    js.set("schema", rf.schema().deepCopy());
                }
                if (rf.strict() != null) {
                    js.put("strict", rf.strict());
                }
            }
        }
    }

    /**
     * Chat speaks efforts only. An explicit effort wins; otherwise disabled thinking (or Gemini's
     * includeThoughts:false) is {@code none} and enabled/adaptive thinking is {@code medium} (spec §4.8). A
     * budget has no Chat equivalent.
     */
    private static void encodeReasoning(Reasoning r, ObjectNode out, TransformContext ctx) {
        if (r == null) {
            return;
        }
        String effort = r.effort();
        if (effort == null && r.mode() != null) {
            effort = r.mode() == Reasoning.Mode.DISABLED ? "none" : "medium";
        }
        if (effort == null && Boolean.FALSE.equals(r.includeThoughts())) {
            effort = "none";
        }
        ChatNodes.putIfNotNull(out, "reasoning_effort", effort);
        ChatNodes.putIfNotNull(out, "verbosity", r.verbosity());
        if (r.budgetTokens() != null) {
            ctx.loss().drop("reasoning.budget_tokens");
        }
    }
}
