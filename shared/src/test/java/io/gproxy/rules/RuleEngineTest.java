package io.gproxy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleEngineTest {
    static final ObjectMapper M = new ObjectMapper();
    static final OperationKey CLAUDE = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES);
    static final OperationKey CHAT = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS);

    static ConfigItem item(EntityType type, String json) throws Exception {
        ObjectNode doc = (ObjectNode) M.readTree(json);
        return new ConfigItem(type, doc.get("id").asText(), doc);
    }

    /** Provider 1 with rule set 10 attached; rules as given (rule_set_id 10 added). */
    static List<ProviderRule> compile(String... rules) throws Exception {
        List<ConfigItem> items = new ArrayList<>();
        items.add(item(EntityType.RULE_SET, "{\"id\":10,\"name\":\"s\",\"enabled\":true}"));
        items.add(item(EntityType.PROVIDER_RULE_SET, "{\"id\":1,\"provider_id\":1,\"rule_set_id\":10,\"sort_order\":0,\"enabled\":true}"));
        for (String r : rules) {
            ObjectNode doc = (ObjectNode) M.readTree(r);
            doc.put("rule_set_id", 10);
            items.add(new ConfigItem(EntityType.RULE, doc.get("id").asText(), doc));
        }
        List<String> warnings = new ArrayList<>();
        return RuleSets.compile(items, warnings).getOrDefault(1L, List.of());
    }

    static JsonNode run(List<ProviderRule> rules, OperationKey key, String body) throws Exception {
        RuleEngine.Applied a = RuleEngine.request(rules, new ProviderRule.Match("claude-sonnet-4-5", "claude", key,
                Headers.of("user-agent", "claude-cli/1.0")), key.kind(), body.getBytes(StandardCharsets.UTF_8), new Headers());
        return M.readTree(a.body());
    }

    @Test
    void kindsRunInOrderWhateverTheirSortOrder() throws Exception {
        List<ProviderRule> rules = compile(
                "{\"id\":1,\"kind\":\"header\",\"config_json\":{\"name\":\"anthropic-beta\",\"value\":\"b\",\"mode\":\"merge\"},\"sort_order\":0}",
                "{\"id\":2,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"metadata.user_id\",\"action\":\"set\",\"value\":\"u1\"},\"sort_order\":0}",
                "{\"id\":3,\"kind\":\"system_text\",\"config_json\":{\"text\":\"Be brief.\",\"position\":\"prepend\"},\"sort_order\":9}");
        assertEquals(List.of(ProviderRule.Kind.SYSTEM_TEXT, ProviderRule.Kind.REWRITE, ProviderRule.Kind.HEADER),
                rules.stream().map(ProviderRule::kind).toList());
        RuleEngine.Applied a = RuleEngine.request(rules, new ProviderRule.Match("m", "m", CLAUDE, new Headers()),
                OperationKind.CLAUDE_MESSAGES, "{\"system\":\"Hi\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8),
                Headers.of("anthropic-beta", "a,b"));
        JsonNode body = M.readTree(a.body());
        assertEquals("Be brief.\nHi", body.get("system").asText());
        assertEquals("u1", body.at("/metadata/user_id").asText());
        assertEquals("a,b", a.headers().firstOrNull("anthropic-beta"), "merge de-duplicates");
    }

    @Test
    void systemTextLandsWhereEachProtocolKeepsIt() throws Exception {
        List<ProviderRule> rules = compile("{\"id\":1,\"kind\":\"system_text\",\"config_json\":{\"text\":\"S\",\"position\":\"append\"}}");
        assertEquals("system", run(rules, CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").at("/messages/0/role").asText());
        OperationKey responses = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_RESPONSES);
        assertEquals("A\nS", run(rules, responses, "{\"instructions\":\"A\",\"input\":\"x\"}").get("instructions").asText());
        OperationKey gemini = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT);
        assertEquals("S", run(rules, gemini, "{\"contents\":[]}").at("/systemInstruction/parts/0/text").asText());
    }

    @Test
    void cacheBreakpointsAndTransforms() throws Exception {
        List<ProviderRule> rules = compile(
                "{\"id\":1,\"kind\":\"cache_breakpoint\",\"config_json\":{\"target\":\"system\",\"ttl\":\"1h\"}}",
                "{\"id\":2,\"kind\":\"transform\",\"config_json\":{\"phase\":\"request\",\"locate\":{\"paths\":[\"messages.*.content\"]},"
                        + "\"actions\":[{\"replace_text\":{\"from\":\"foo\",\"with\":\"bar\"}}],\"limit\":1}}");
        JsonNode body = run(rules, CLAUDE, "{\"system\":\"Hi\",\"messages\":[{\"role\":\"user\",\"content\":\"foo foo\"}]}");
        assertEquals("1h", body.at("/system/0/cache_control/ttl").asText());
        assertEquals("bar foo", body.at("/messages/0/content").asText(), "limit 1");
    }

    @Test
    void filtersDecideWhichRulesRun() throws Exception {
        List<ProviderRule> rules = compile(
                "{\"id\":1,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"a\",\"value\":1},\"filter_model_pattern\":\"claude-*\"}",
                "{\"id\":2,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"b\",\"value\":1},\"filter_model_pattern\":\"gpt-*\"}",
                "{\"id\":3,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"c\",\"value\":1},\"filter_operation_keys\":[\"generate_content/open_ai_chat_completions\"]}",
                "{\"id\":4,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"d\",\"value\":1},\"filter_header_pattern\":\"^user-agent: claude-cli\"}",
                "{\"id\":5,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"e\",\"value\":1},\"filter_header_pattern\":\"^x-other:\"}");
        JsonNode body = run(rules, CLAUDE, "{}");
        assertTrue(body.has("a"));
        assertFalse(body.has("b"));
        assertFalse(body.has("c"));
        assertTrue(body.has("d"));
        assertFalse(body.has("e"));
    }

    @Test
    void aRuleThatCannotApplyIsSkippedAndTheRestRun() throws Exception {
        List<ProviderRule> rules = compile(
                "{\"id\":1,\"kind\":\"cache_breakpoint\",\"config_json\":{\"target\":\"tools\"}}", // no tools
                "{\"id\":2,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"messages.5.x\",\"value\":1}}", // does not fit
                "{\"id\":3,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"ok\",\"value\":true}}");
        JsonNode body = run(rules, CLAUDE, "{\"messages\":[]}");
        assertTrue(body.get("ok").asBoolean());
        assertEquals(0, body.get("messages").size());
    }

    @Test
    void untouchedBodiesStayByteForByte() throws Exception {
        List<ProviderRule> rules = compile("{\"id\":1,\"kind\":\"rewrite\",\"config_json\":{\"path\":\"a\",\"value\":1},\"filter_model_pattern\":\"none\"}");
        byte[] body = "{ \"x\" : 1.50 }".getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(body), new String(RuleEngine.request(rules, new ProviderRule.Match("m", "m", CLAUDE, new Headers()),
                OperationKind.CLAUDE_MESSAGES, body, new Headers()).body()));
    }

    @Test
    void responseTransformsRewriteFramesButNotDone() throws Exception {
        List<ProviderRule> rules = compile("{\"id\":1,\"kind\":\"transform\",\"config_json\":{\"phase\":\"response\","
                + "\"locate\":{\"match\":\"Hello\"},\"actions\":[{\"replace_text\":{\"with\":\"Howdy\"}}]}}");
        List<ProviderRule> response = RuleEngine.responseRules(rules, new ProviderRule.Match("m", "m", CHAT, new Headers()));
        assertEquals(1, response.size());
        assertEquals("{\"t\":\"Howdy there\"}", RuleEngine.response(response, "{\"t\":\"Hello there\"}"));
        assertEquals("[DONE]", RuleEngine.response(response, "[DONE]"));
        assertTrue(RuleEngine.responseRules(compile("{\"id\":1,\"kind\":\"transform\",\"config_json\":{\"phase\":\"request\"}}"),
                new ProviderRule.Match("m", "m", CHAT, new Headers())).isEmpty());
    }

    @Test
    void disabledSetsAndDetachedRulesDoNotCompile() throws Exception {
        List<ConfigItem> items = List.of(
                item(EntityType.RULE_SET, "{\"id\":10,\"name\":\"s\",\"enabled\":false}"),
                item(EntityType.PROVIDER_RULE_SET, "{\"id\":1,\"provider_id\":1,\"rule_set_id\":10,\"enabled\":true}"),
                item(EntityType.RULE, "{\"id\":1,\"rule_set_id\":10,\"kind\":\"rewrite\",\"config_json\":{}}"));
        assertTrue(RuleSets.compile(items, new ArrayList<>()).isEmpty());
        assertEquals(Map.of(), RuleSets.compile(List.of(item(EntityType.RULE, "{\"id\":1,\"rule_set_id\":10,\"kind\":\"rewrite\"}")),
                new ArrayList<>()));
    }
}
