package io.gproxy.transform.claude;

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

import java.util.ArrayList;
import java.util.List;

/**
 * IR to a Messages request body (spec/surface.md §4.3, §4.9, §8 items 7–12). Claude's constraints are enforced
 * here rather than left to a 400 from the API: alternating roles (adjacent same-role messages merge), tool results
 * first in their user turn, {@code toolu_} ids memoised per request, no empty text, no unsigned thinking, a
 * {@code max_tokens} always present, and sampling parameters the API refuses while thinking left out.
 */
final class ClaudeRequestEncoder {

    static final int DEFAULT_MAX_TOKENS = 16384;
    static final String WEB_SEARCH_TYPE = "web_search_20250305";
    private static final int MIN_BUDGET = 1024;

    private final LossReport loss;
    private final ClaudeToolIds ids = new ClaudeToolIds();
    private final List<Turn> turns = new ArrayList<>();

    /** One Claude message being built; tool results are kept apart so they can lead the turn. */
    private static final class Turn {
        final String role;
        final ArrayNode toolResults = ClaudeJson.array();
        final ArrayNode blocks = ClaudeJson.array();
        final java.util.Set<String> resultIds = new java.util.HashSet<>();

        Turn(String role) {
            this.role = role;
        }
    }

    private ClaudeRequestEncoder(TransformContext ctx) {
        this.loss = ctx.loss();
    }

    static ObjectNode encode(IrRequest request, TransformContext ctx) {
        return new ClaudeRequestEncoder(ctx).encodeRequest(request);
    }

    private ObjectNode encodeRequest(IrRequest r) {
        ObjectNode body = ClaudeJson.object();
        if (r.model() != null) {
            body.put("model", r.model());
        }
        ArrayNode system = ClaudeJson.array();
        for (Content c : r.system()) {
            appendSystemContent(c, system);
        }
        boolean started = false;
        for (Message m : r.messages()) {
            if (m.role() == Role.SYSTEM && !started) {
                for (Content c : m.content()) {
                    appendSystemContent(c, system);
                }
                continue;
            }
            started = true;
            encodeMessage(m);
        }

        Generation g = r.generation();
        Thinking thinking = thinking(r.reasoning(), g.maxTokens());
        if (thinking.on && lastAssistantLacksThinking()) {
            // History from another protocol has no signed thinking to replay, and with thinking on the API
            // refuses a last assistant turn that calls tools without starting with thinking.
            loss.drop("thinking");
            ObjectNode disabled = ClaudeJson.object();
            disabled.put("type", "disabled");
            thinking = new Thinking(disabled, thinking.effort,
                    g.maxTokens() != null ? g.maxTokens() : DEFAULT_MAX_TOKENS, false);
        }
        body.put("max_tokens", thinking.maxTokens);
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        ArrayNode messages = body.putArray("messages");
        for (Turn t : turns) {
            ObjectNode msg = messages.addObject();
            msg.put("role", t.role);
            ArrayNode content = msg.putArray("content");
            content.addAll(t.toolResults);
            content.addAll(t.blocks);
        }
        encodeTools(r, body);
        if (thinking.config != null) {
            body.set("thinking", thinking.config);
        }
        ObjectNode outputConfig = ClaudeJson.object();
        if (thinking.effort != null) {
            outputConfig.put("effort", thinking.effort);
        }
        encodeFormat(r.responseFormat(), outputConfig);
        if (!outputConfig.isEmpty()) {
            body.set("output_config", outputConfig);
        }
        encodeSampling(g, thinking.on, body);
        if (r.user() != null) {
            body.putObject("metadata").put("user_id", r.user());
        }
        body.put("stream", r.stream());
        return body;
    }

    // ---- messages ----------------------------------------------------------------------------------------------

    private void appendSystemContent(Content c, ArrayNode system) {
        if (c instanceof Content.Text t) {
            ClaudeBlocks.appendText(t.text(), system);
        } else {
            loss.drop("system." + ClaudeBlocks.kindName(c));
        }
    }

    private void encodeMessage(Message m) {
        ArrayNode results = ClaudeJson.array();
        ArrayNode blocks = ClaudeJson.array();
        boolean assistant = m.role() == Role.ASSISTANT;
        if (m.role() == Role.SYSTEM) {
            // Claude has no system role inside the conversation: the instruction travels as user text.
            loss.drop("system(mid-conversation)");
        }
        for (Content c : m.content()) {
            switch (c) {
                case Content.Text t -> ClaudeBlocks.appendText(t.text(), blocks);
                case Content.Refusal rf -> ClaudeBlocks.appendText(rf.text(), blocks);
                case Content.Image i -> {
                    if (assistant) {
                        loss.drop("assistant.image");
                    } else {
                        ClaudeBlocks.appendImage(i, blocks, loss);
                    }
                }
                case Content.Document d -> {
                    if (assistant) {
                        loss.drop("assistant.document");
                    } else {
                        ClaudeBlocks.appendDocument(d, blocks, loss);
                    }
                }
                case Content.Audio a -> loss.drop("input_audio");
                case Content.Reasoning rs -> {
                    if (assistant) {
                        ClaudeBlocks.appendReasoning(rs, blocks, true, loss);
                    } else {
                        loss.drop("reasoning(" + m.role().name().toLowerCase(java.util.Locale.ROOT) + ")");
                    }
                }
                case Content.ToolCall call -> {
                    if (assistant) {
                        ClaudeBlocks.appendToolUse(call, blocks, ids, loss);
                    } else {
                        loss.drop("tool_call(" + m.role().name().toLowerCase(java.util.Locale.ROOT) + ")");
                    }
                }
                case Content.ToolResult result -> {
                    if (assistant) {
                        loss.drop("tool_result(assistant)");
                    } else {
                        ClaudeBlocks.appendToolResult(result, results, ids, loss);
                    }
                }
            }
        }
        if (results.isEmpty() && blocks.isEmpty()) {
            return;
        }
        Turn turn = turn(assistant ? "assistant" : "user");
        for (var result : results) {
            // The API refuses two results for one call in a turn (clients that resend a result produce them).
            if (turn.resultIds.add(result.get("tool_use_id").asText())) {
                turn.toolResults.add(result);
            } else {
                loss.drop("tool_result(duplicate)");
            }
        }
        turn.blocks.addAll(blocks);
    }

    private boolean lastAssistantLacksThinking() {
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            if (!t.role.equals("assistant")) {
                continue;
            }
            boolean callsTools = false;
            for (var block : t.blocks) {
                callsTools |= "tool_use".equals(block.path("type").asText());
            }
            String first = t.blocks.isEmpty() ? "" : t.blocks.get(0).path("type").asText();
            return callsTools && !first.equals("thinking") && !first.equals("redacted_thinking");
        }
        return false;
    }

    private Turn turn(String role) {
        Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && last.role.equals(role)) {
            return last;
        }
        Turn t = new Turn(role);
        turns.add(t);
        return t;
    }

    // ---- tools -------------------------------------------------------------------------------------------------

    private void encodeTools(IrRequest r, ObjectNode body) {
        if (r.tools().isEmpty()) {
            return; // a tool_choice without tools means nothing to Claude
        }
        ArrayNode tools = body.putArray("tools");
        for (Tool t : r.tools()) {
            ObjectNode out = tools.addObject();
            if (t.kind() == Tool.Kind.WEB_SEARCH) {
                out.put("type", WEB_SEARCH_TYPE);
                out.put("name", "web_search");
                continue;
            }
            out.put("name", t.name());
            if (t.description() != null) {
                out.put("description", t.description());
            }
            out.set("input_schema", inputSchema(t));
            if (t.strict() != null && t.kind() == Tool.Kind.FUNCTION) {
                out.put("strict", t.strict());
            }
        }
        ToolChoice choice = r.toolChoice();
        Boolean parallel = r.parallelToolCalls();
        ObjectNode tc = null;
        if (choice != null) {
            tc = ClaudeJson.object();
            switch (choice.mode()) {
                case AUTO -> tc.put("type", "auto");
                case REQUIRED -> tc.put("type", "any");
                case NONE -> tc.put("type", "none");
                case NAMED -> {
                    tc.put("type", "tool");
                    tc.put("name", choice.name());
                }
            }
        } else if (Boolean.FALSE.equals(parallel)) {
            tc = ClaudeJson.object();
            tc.put("type", "auto"); // disable_parallel_tool_use lives on tool_choice
        }
        if (tc != null && parallel != null) {
            if (choice != null && choice.mode() == ToolChoice.Mode.NONE) {
                loss.drop("parallel_tool_calls");
            } else {
                tc.put("disable_parallel_tool_use", !parallel);
            }
        }
        if (tc != null) {
            body.set("tool_choice", tc);
        }
    }

    /** Claude needs an object schema; custom (free-text) tools get an empty one (surface.md §4.3). */
    private static ObjectNode inputSchema(Tool t) {
        ObjectNode schema = ClaudeJson.object();
        if (t.kind() != Tool.Kind.FUNCTION || t.parameters() == null) {
            schema.put("type", "object");
            schema.putObject("properties");
            return schema;
        }
        if (!t.parameters().has("type")) {
            schema.put("type", "object");
        }
        schema.setAll(t.parameters().deepCopy());
        return schema;
    }

    // ---- reasoning, format, sampling ---------------------------------------------------------------------------

    private record Thinking(ObjectNode config, String effort, int maxTokens, boolean on) {}

    /**
     * IR reasoning to {@code thinking} and {@code output_config.effort} (surface.md §4.8): an OpenAI effort
     * {@code none} disables thinking and any other effort asks for adaptive thinking; a budget means enabled. The
     * budget must be at least 1024 and below {@code max_tokens}: a defaulted max_tokens grows to fit it, an
     * explicit one shrinks the budget instead.
     */
    private Thinking thinking(Reasoning rs, Integer irMaxTokens) {
        int maxTokens = irMaxTokens != null ? irMaxTokens : DEFAULT_MAX_TOKENS;
        if (rs == null) {
            return new Thinking(null, null, maxTokens, false);
        }
        Reasoning.Mode mode = rs.mode();
        if (mode == null) {
            if ("none".equals(rs.effort())) {
                mode = Reasoning.Mode.DISABLED;
            } else if (rs.budgetTokens() != null) {
                mode = Reasoning.Mode.ENABLED;
            } else if (rs.effort() != null) {
                mode = Reasoning.Mode.ADAPTIVE;
            }
        }
        Integer budget = rs.budgetTokens();
        if (mode == Reasoning.Mode.ENABLED && budget != null && budget <= 0) {
            mode = Reasoning.Mode.DISABLED; // Gemini's thinkingBudget 0 means off
        }
        ObjectNode config = null;
        if (mode == Reasoning.Mode.DISABLED) {
            config = ClaudeJson.object();
            config.put("type", "disabled");
        } else if (mode == Reasoning.Mode.ENABLED && budget != null) {
            budget = Math.max(MIN_BUDGET, budget);
            if (budget >= maxTokens) {
                if (irMaxTokens == null) {
                    maxTokens = budget + DEFAULT_MAX_TOKENS;
                } else if (maxTokens - 1 >= MIN_BUDGET) {
                    loss.drop("thinking.budget_tokens");
                    budget = maxTokens - 1;
                } else {
                    loss.drop("thinking.budget_tokens");
                    budget = null;
                }
            }
            config = ClaudeJson.object();
            if (budget != null) {
                config.put("type", "enabled");
                config.put("budget_tokens", budget);
            } else {
                config.put("type", "adaptive");
            }
        } else if (mode != null) {
            config = ClaudeJson.object();
            config.put("type", "adaptive");
        }
        if (config != null && mode != Reasoning.Mode.DISABLED && rs.includeThoughts() != null) {
            config.put("display", rs.includeThoughts() ? "summarized" : "omitted");
        }
        return new Thinking(config, effort(rs), maxTokens, config != null && mode != Reasoning.Mode.DISABLED);
    }

    /** {@code output_config.effort}: the IR verbosity (surface.md §4.3), else the OpenAI reasoning effort. */
    private String effort(Reasoning rs) {
        if (rs.verbosity() != null) {
            return switch (rs.verbosity()) {
                case "low", "medium", "high" -> rs.verbosity();
                default -> {
                    loss.drop("verbosity");
                    yield null;
                }
            };
        }
        if (rs.effort() == null) {
            return null;
        }
        return switch (rs.effort()) {
            case "none" -> null;
            case "minimal", "low" -> "low";
            case "medium" -> "medium";
            case "high" -> "high";
            case "xhigh" -> "xhigh";
            default -> {
                loss.drop("reasoning_effort");
                yield null;
            }
        };
    }

    private void encodeFormat(ResponseFormat f, ObjectNode outputConfig) {
        if (f == null || f.type() == ResponseFormat.Type.TEXT) {
            return;
        }
        if (f.type() == ResponseFormat.Type.JSON_OBJECT || f.schema() == null) {
            loss.drop("response_format.json_object"); // Claude only takes a schema
            return;
        }
        if (f.name() != null) {
            loss.drop("response_format.json_schema.name");
        }
        if (f.description() != null) {
            loss.drop("response_format.json_schema.description");
        }
        if (f.strict() != null) {
            loss.drop("response_format.json_schema.strict");
        }
        ObjectNode format = outputConfig.putObject("format");
        format.put("type", "json_schema");
        format.set("schema", f.schema().deepCopy());
    }

    /**
     * With thinking on the API refuses a temperature other than 1, any top_k and a top_p below 0.95; those are
     * left out (and noted) rather than failing the request.
     */
    private void encodeSampling(Generation g, boolean thinkingOn, ObjectNode body) {
        if (g.temperature() != null) {
            if (thinkingOn && g.temperature() != 1.0) {
                loss.drop("temperature");
            } else {
                body.put("temperature", g.temperature());
            }
        }
        if (g.topP() != null) {
            if (thinkingOn && g.topP() < 0.95) {
                loss.drop("top_p");
            } else {
                body.put("top_p", g.topP());
            }
        }
        if (g.topK() != null) {
            if (thinkingOn) {
                loss.drop("top_k");
            } else {
                body.put("top_k", g.topK());
            }
        }
        if (g.stop() != null && !g.stop().isEmpty()) {
            ArrayNode stops = body.putArray("stop_sequences");
            g.stop().forEach(stops::add);
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
}
