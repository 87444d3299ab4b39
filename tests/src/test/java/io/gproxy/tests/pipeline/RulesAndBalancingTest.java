package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provider rule sets on the wire (system text, rewrite, header, response transform for buffered and streamed answers)
 * and route balancing: round robin between same-tier members, and session affinity by {@code x-gproxy-session-id},
 * which never goes upstream.
 */
class RulesAndBalancingTest {
    static final MockOpenAi a = new MockOpenAi();
    static final MockOpenAi b = new MockOpenAi();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start(root -> {
            PipelineBundle.openAiProvider(root, 80, "ruled", a);
            PipelineBundle.openAiProvider(root, 81, "rr-b", b);
            PipelineBundle.route(root, 80, "ruled", "failover");
            PipelineBundle.member(root, 80, 80, 80, 0);
            PipelineBundle.route(root, 81, "rr", "round_robin");
            PipelineBundle.member(root, 81, 81, 80, 0);
            PipelineBundle.member(root, 82, 81, 81, 0);
            PipelineBundle.route(root, 82, "affine", "round_robin");
            PipelineBundle.member(root, 83, 82, 80, 0);
            PipelineBundle.member(root, 84, 82, 81, 0);
            ((ObjectNode) ((ArrayNode) root.get("routes")).get(((ArrayNode) root.get("routes")).size() - 1))
                    .putObject("settings_json").putObject("affinity").put("enabled", true);
            ((ArrayNode) root.get("rule_sets")).addObject().put("id", 1).put("name", "house").put("enabled", true);
            ArrayNode rules = (ArrayNode) root.get("rules");
            rules.addObject().put("id", 1).put("rule_set_id", 1).put("kind", "system_text").put("sort_order", 0)
                    .put("filter_model_pattern", "gpt-*").put("enabled", true)
                    .putObject("config_json").put("text", "House rules apply.").put("position", "prepend");
            rules.addObject().put("id", 2).put("rule_set_id", 1).put("kind", "rewrite").put("enabled", true)
                    .putObject("config_json").put("path", "metadata.team").put("action", "set").put("value", "research");
            rules.addObject().put("id", 3).put("rule_set_id", 1).put("kind", "header").put("enabled", true)
                    .putObject("config_json").put("name", "openai-project").put("value", "proj_house").put("mode", "override");
            ObjectNode transform = rules.addObject().put("id", 4).put("rule_set_id", 1).put("kind", "transform")
                    .put("enabled", true).putObject("config_json").put("phase", "response");
            transform.putObject("locate").put("match", "Hello");
            transform.putArray("actions").addObject().putObject("replace_text").put("with", "Howdy");
            rules.addObject().put("id", 5).put("rule_set_id", 1).put("kind", "rewrite").put("enabled", true)
                    .put("filter_header_pattern", "^x-never:").putObject("config_json").put("path", "never").put("value", 1);
            ((ArrayNode) root.get("provider_rule_sets")).addObject().put("id", 1).put("provider_id", 80)
                    .put("rule_set_id", 1).put("sort_order", 0).put("enabled", true);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        a.close();
        b.close();
    }

    @BeforeEach
    void clear() {
        a.clear();
        b.clear();
    }

    static HttpResponse<String> chat(String model, boolean stream, String session) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + GatewayFixture.ALICE_KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PipelineBundle.chat(model, stream)));
        if (session != null) {
            r.header("x-gproxy-session-id", session);
        }
        return PipelineHttp.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ruleSetsShapeTheProviderNativeRequestAndTheAnswer() throws Exception {
        HttpResponse<String> r = chat("ruled", false, null);
        assertEquals(200, r.statusCode(), r.body());
        RecordedRequest sent = a.lastRequest();
        JsonNode body = sent.json();
        assertEquals("system", body.at("/messages/0/role").asText());
        assertEquals("House rules apply.", body.at("/messages/0/content").asText());
        assertEquals("research", body.at("/metadata/team").asText());
        assertFalse(body.has("never"), "a header filter that does not match");
        assertEquals("proj_house", sent.header("openai-project"), "header rule, forwarded by the channel's allow-list");
        assertTrue(r.body().contains("Howdy from openai"), "response transform: " + r.body());

        HttpResponse<String> s = chat("ruled", true, null);
        assertEquals(200, s.statusCode());
        assertTrue(s.body().contains("\"content\":\"Howdy\"") && s.body().contains("[DONE]"), "per SSE frame: " + s.body());
    }

    @Test
    void roundRobinAlternatesAndAffinityKeepsASessionOnOneMember() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, chat("rr", false, null).statusCode());
        }
        assertEquals(2, a.requests().size());
        assertEquals(2, b.requests().size());

        a.clear();
        b.clear();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, chat("affine", false, "session-42").statusCode());
        }
        assertTrue(a.requests().size() == 5 || b.requests().size() == 5, "one member served the whole session: "
                + a.requests().size() + "/" + b.requests().size());
        RecordedRequest any = a.requests().isEmpty() ? b.lastRequest() : a.lastRequest();
        assertNull(any.header("x-gproxy-session-id"), "the session header is consumed, never forwarded");
    }
}
