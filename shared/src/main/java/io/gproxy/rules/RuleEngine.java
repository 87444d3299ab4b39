package io.gproxy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gproxy.http.Headers;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a provider's rules (spec/core.md §7.1) on the provider-native request, after protocol conversion and before
 * the channel's {@code shapeRequest}/{@code prepare}, and {@code transform} rules on the provider-native answer
 * (buffered bodies, or each SSE frame's data). A rule that cannot apply is skipped and logged with its id; it never
 * fails the request. Header rules edit the inbound headers handed to {@code prepare}, so the channel's allow-list
 * still decides what goes upstream.
 */
public final class RuleEngine {
    private RuleEngine() {}

    /** A request after the rules: the body to send and the headers to hand to the channel. */
    public record Applied(byte[] body, Headers headers) {
    }

    public static Applied request(List<ProviderRule> rules, ProviderRule.Match match, OperationKind upstreamKind,
                                  byte[] body, Headers headers) {
        if (rules.isEmpty()) {
            return new Applied(body, headers);
        }
        ObjectNode json = null;
        if (body != null) {
            try {
                JsonNode n = Json.parse(body);
                json = n instanceof ObjectNode o ? o : null;
            } catch (IOException notJson) {
                json = null;
            }
        }
        String serialized = null; // set once a text transform worked on the serialized body
        Headers outHeaders = headers;
        boolean edited = false; // untouched bodies go out as they came, byte for byte
        for (ProviderRule rule : rules) {
            if (!rule.matches(match) || rule.kind() == ProviderRule.Kind.TRANSFORM && !rule.phase("request")) {
                continue;
            }
            if (body == null && rule.kind() != ProviderRule.Kind.HEADER) {
                continue; // a body rule on a body-less call (a model listing): nothing to apply, nothing to report
            }
            try {
                switch (rule.kind()) {
                    case SYSTEM_TEXT -> {
                        systemText(require(json, serialized), upstreamKind, rule.config());
                        edited = true;
                    }
                    case CACHE_BREAKPOINT -> {
                        cacheBreakpoint(require(json, serialized), upstreamKind, rule.config());
                        edited = true;
                    }
                    case REWRITE -> {
                        rewrite(require(json, serialized), rule.config());
                        edited = true;
                    }
                    case TRANSFORM -> {
                        if (json == null && serialized == null) {
                            throw new RuleException("the body is not JSON");
                        }
                        String out = TextTransform.apply(rule.config(), serialized == null ? json : null, serialized);
                        if (out != null) {
                            serialized = out;
                        }
                        edited = true;
                    }
                    case HEADER -> {
                        outHeaders = outHeaders == headers ? headers.copy() : outHeaders;
                        header(outHeaders, rule.config());
                    }
                }
            } catch (RuntimeException e) { // RuleException or a malformed config: skip the rule
                skipped(rule, e.getMessage());
            }
        }
        byte[] outBody = body;
        if (serialized != null) {
            try {
                Json.parse(serialized.getBytes(java.nio.charset.StandardCharsets.UTF_8)); // still JSON?
                outBody = serialized.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException broken) {
                System.err.println("{\"level\":\"warn\",\"msg\":\"rule transforms left the body invalid; sent without them\"}");
                outBody = json == null ? body : Json.bytes(json);
            }
        } else if (json != null && edited) {
            outBody = Json.bytes(json);
        }
        return new Applied(outBody, outHeaders);
    }

    /** Whether any response-phase transform applies (the relay then rewrites frames; otherwise it touches nothing). */
    public static List<ProviderRule> responseRules(List<ProviderRule> rules, ProviderRule.Match match) {
        return rules.stream().filter(r -> r.kind() == ProviderRule.Kind.TRANSFORM && r.phase("response")
                && r.matches(match)).toList();
    }

    /** Response-phase transforms on a JSON text (a buffered body, or one SSE frame's data). */
    public static String response(List<ProviderRule> rules, String text) {
        if (rules.isEmpty() || text == null || text.equals("[DONE]")) {
            return text;
        }
        String out = text;
        for (ProviderRule rule : rules) {
            try {
                JsonNode json = null;
                boolean byPath = rule.config().path("locate").has("path") || rule.config().path("locate").has("paths");
                if (byPath) {
                    json = Json.parse(out.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                String next = TextTransform.apply(rule.config(), json, byPath ? null : out);
                out = next != null ? next : json.toString();
            } catch (IOException | RuntimeException e) {
                skipped(rule, e.getMessage());
            }
        }
        return out;
    }

    private static ObjectNode require(ObjectNode json, String serialized) {
        if (json == null) {
            throw new RuleException("the body is not a JSON object");
        }
        if (serialized != null) {
            throw new RuleException("a text transform already ran"); // kinds run in order, so this does not happen
        }
        return json;
    }

    private static void systemText(ObjectNode body, OperationKind kind, ObjectNode config) {
        String text = config.path("text").asText(null);
        if (text == null) {
            throw new RuleException("system_text needs text");
        }
        boolean append = "append".equals(config.path("position").asText("prepend"));
        switch (kind) {
            case CLAUDE_MESSAGES -> {
                JsonNode system = body.get("system");
                if (system == null || system.isNull()) {
                    body.put("system", text);
                } else if (system.isTextual()) {
                    body.put("system", append ? system.asText() + "\n" + text : text + "\n" + system.asText());
                } else if (system instanceof ArrayNode a) {
                    ObjectNode block = JsonNodeFactory.instance.objectNode().put("type", "text").put("text", text);
                    if (append) {
                        a.add(block);
                    } else {
                        a.insert(0, block);
                    }
                }
            }
            case OPEN_AI_CHAT_COMPLETIONS -> {
                if (!(body.get("messages") instanceof ArrayNode messages)) {
                    throw new RuleException("chat body without messages");
                }
                JsonNode first = messages.isEmpty() ? null : messages.get(0);
                if (first != null && "system".equals(first.path("role").asText()) && first.path("content").isTextual()) {
                    String c = first.get("content").asText();
                    ((ObjectNode) first).put("content", append ? c + "\n" + text : text + "\n" + c);
                } else {
                    messages.insert(0, JsonNodeFactory.instance.objectNode().put("role", "system").put("content", text));
                }
            }
            case OPEN_AI_RESPONSES -> {
                String c = body.path("instructions").isTextual() ? body.get("instructions").asText() : null;
                body.put("instructions", c == null ? text : append ? c + "\n" + text : text + "\n" + c);
            }
            case GEMINI_GENERATE_CONTENT -> {
                ObjectNode si = body.get("systemInstruction") instanceof ObjectNode o ? o : body.putObject("systemInstruction");
                ArrayNode parts = si.get("parts") instanceof ArrayNode p ? p : si.putArray("parts");
                ObjectNode part = JsonNodeFactory.instance.objectNode().put("text", text);
                if (append) {
                    parts.add(part);
                } else {
                    parts.insert(0, part);
                }
            }
            default -> throw new RuleException("system_text does not apply to " + kind.id());
        }
    }

    /** Claude {@code cache_control} breakpoints; other protocols have no request-side breakpoint and are skipped. */
    private static void cacheBreakpoint(ObjectNode body, OperationKind kind, ObjectNode config) {
        if (kind != OperationKind.CLAUDE_MESSAGES) {
            throw new RuleException("cache_breakpoint applies to Claude bodies only");
        }
        ObjectNode control = JsonNodeFactory.instance.objectNode().put("type", "ephemeral");
        if (config.hasNonNull("ttl")) {
            control.put("ttl", config.get("ttl").asText());
        }
        String target = config.path("target").asText("system");
        switch (target) {
            case "top_level" -> body.set("cache_control", control);
            case "system" -> {
                JsonNode system = body.get("system");
                if (system != null && system.isTextual()) {
                    ArrayNode a = body.putArray("system");
                    a.addObject().put("type", "text").put("text", system.asText()).set("cache_control", control);
                } else if (system instanceof ArrayNode a && !a.isEmpty()) {
                    ((ObjectNode) a.get(a.size() - 1)).set("cache_control", control);
                } else {
                    throw new RuleException("no system prompt to mark");
                }
            }
            case "tools" -> markIndexed(body.get("tools"), config, control, "tools");
            case "message" -> {
                if (!(body.get("messages") instanceof ArrayNode messages) || messages.isEmpty()) {
                    throw new RuleException("no messages to mark");
                }
                ObjectNode message = (ObjectNode) messages.get(index(config, messages.size()));
                JsonNode content = message.get("content");
                if (content != null && content.isTextual()) {
                    ArrayNode a = message.putArray("content");
                    a.addObject().put("type", "text").put("text", content.asText()).set("cache_control", control);
                } else if (content instanceof ArrayNode a && !a.isEmpty()) {
                    ((ObjectNode) a.get(a.size() - 1)).set("cache_control", control);
                } else {
                    throw new RuleException("message has no content to mark");
                }
            }
            default -> throw new RuleException("unknown cache_breakpoint target " + target);
        }
    }

    private static void markIndexed(JsonNode array, ObjectNode config, ObjectNode control, String what) {
        if (!(array instanceof ArrayNode a) || a.isEmpty()) {
            throw new RuleException("no " + what + " to mark");
        }
        ((ObjectNode) a.get(index(config, a.size()))).set("cache_control", control);
    }

    /** {@code index} from the start, negative from the end; absent: the last. */
    private static int index(ObjectNode config, int size) {
        int i = config.path("index").asInt(-1);
        int at = i < 0 ? size + i : i;
        if (at < 0 || at >= size) {
            throw new RuleException("index " + i + " out of range");
        }
        return at;
    }

    private static void rewrite(ObjectNode body, ObjectNode config) {
        String path = config.path("path").asText(null);
        switch (config.path("action").asText("set")) {
            case "set" -> JsonPath.set(body, path, config.has("value") ? config.get("value")
                    : JsonNodeFactory.instance.nullNode());
            case "delete" -> JsonPath.delete(body, path);
            case "merge" -> JsonPath.merge(body, path, config.path("value"));
            default -> throw new RuleException("unknown rewrite action");
        }
    }

    /** {@code override} replaces the header; {@code merge} adds comma-separated values not already there. */
    private static void header(Headers headers, ObjectNode config) {
        String name = config.path("name").asText(null);
        String value = config.path("value").asText(null);
        if (name == null || value == null || name.isBlank()) {
            throw new RuleException("header needs name and value");
        }
        if ("merge".equals(config.path("mode").asText("override"))) {
            Set<String> values = new LinkedHashSet<>();
            for (String v : headers.all(name)) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        values.add(part.strip());
                    }
                }
            }
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip());
                }
            }
            headers.set(name, String.join(",", values));
        } else {
            headers.set(name, value);
        }
    }

    private static void skipped(ProviderRule rule, String why) {
        System.err.println("{\"level\":\"warn\",\"msg\":\"rule skipped\",\"rule_id\":" + rule.id() + ",\"kind\":\""
                + rule.kind().id + "\",\"reason\":" + TextNode.valueOf(why == null ? "error" : why) + "}");
    }
}
