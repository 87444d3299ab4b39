package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gproxy.http.Headers;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelSpiTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void genericClassification() {
        Channel c = new OpenAiChannel();
        assertInstanceOf(Disposition.Success.class, c.classify(200, new Headers(), null, NOW));
        assertInstanceOf(Disposition.Success.class, c.classify(204, new Headers(), null, NOW));
        for (int s : new int[]{401, 402, 403}) {
            assertInstanceOf(Disposition.AuthDead.class, c.classify(s, new Headers(), null, NOW));
        }
        for (int s : new int[]{500, 502, 503, 529}) {
            assertInstanceOf(Disposition.Transient.class, c.classify(s, new Headers(), null, NOW));
        }
        for (int s : new int[]{400, 404, 409, 413, 422}) {
            assertInstanceOf(Disposition.Permanent.class, c.classify(s, new Headers(), null, NOW));
            assertFalse(c.classify(s, new Headers(), null, NOW).failover());
        }
        assertTrue(c.classify(429, new Headers(), null, NOW).failover());
    }

    @Test
    void retryAfterSecondsHttpDateOrDefault() {
        assertEquals(new Disposition.RateLimited(Duration.ofSeconds(17)),
                Disposition.generic(429, Headers.of("Retry-After", "17"), NOW));
        assertEquals(new Disposition.RateLimited(Duration.ofSeconds(90)),
                Disposition.generic(429, Headers.of("retry-after", "Fri, 01 May 2026 12:01:30 GMT"), NOW));
        assertEquals(new Disposition.RateLimited(Duration.ZERO),
                Disposition.generic(429, Headers.of("retry-after", "Fri, 01 May 2026 11:00:00 GMT"), NOW));
        assertEquals(new Disposition.RateLimited(Duration.ofSeconds(30)), Disposition.generic(429, new Headers(), NOW));
        assertEquals(new Disposition.RateLimited(Duration.ofSeconds(30)),
                Disposition.generic(429, Headers.of("retry-after", "soon"), NOW));
        assertEquals(new Disposition.RateLimited(Duration.ofSeconds(30)),
                Disposition.generic(429, Headers.of("retry-after", "99999999999999999999999"), NOW));
    }

    @Test
    void everyChannelDescribesItself() {
        ChannelRegistry registry = ChannelRegistry.builtIn();
        assertEquals(List.of("openai", "claudeapi", "aistudio", "vertexexpress", "vertex", "azure", "aws-bedrock",
                "openrouter", "deepseek", "groq", "nvidia", "xai", "custom", "claudecode", "codex", "geminicli"),
                registry.all().stream().map(Channel::id).toList());
        ArrayNode described = registry.describe();
        Set<String> ids = new HashSet<>();
        for (JsonNode d : described) {
            ids.add(d.path("id").asText());
            assertFalse(d.path("display_name").asText().isBlank());
            assertTrue(d.path("credential_kinds").size() >= 1, d.toString());
            assertTrue(d.path("secret_template").isObject());
            assertTrue(d.path("endpoint_kinds").size() >= 1, d.path("id").asText());
            assertEquals("base_url", d.path("settings").get(0).path("name").asText());
        }
        assertEquals(16, ids.size());
        JsonNode bedrock = described.get(6);
        assertEquals(List.of("api_key", "aws_sigv4"), List.of(bedrock.path("credential_kinds").get(0).path("kind").asText(),
                bedrock.path("credential_kinds").get(1).path("kind").asText()));
        assertEquals("{\"access_key_id\":\"\",\"secret_access_key\":\"\",\"session_token\":\"\"}",
                bedrock.path("credential_kinds").get(1).path("secret_template").toString());
        JsonNode azure = described.get(5);
        assertTrue(azure.path("default_base_url").isNull());
        assertTrue(azure.path("settings").get(0).path("required").asBoolean(), "azure needs base_url");
        JsonNode codex = described.get(14);
        assertTrue(codex.path("usage").asBoolean());
        assertEquals("authcode", codex.path("login_modes").get(0).asText());
    }

    @Test
    void routingDefaultsFollowTheHandbook() {
        OperationKey claudeStream = new OperationKey(Operation.STREAM_GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES);
        OperationKey chat = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS);
        // bedrock: everything to claude_messages
        assertEquals(RoutingDecision.transformTo(new OperationKey(Operation.GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES)),
                new BedrockChannel().routingDefaults().decide(chat));
        assertEquals(RoutingDecision.PASSTHROUGH, new BedrockChannel().routingDefaults().decide(claudeStream));
        // nvidia: only chat native
        assertEquals(RoutingDecision.transformTo(new OperationKey(Operation.STREAM_GENERATE_CONTENT,
                OperationKind.OPEN_AI_CHAT_COMPLETIONS)), OpenAiCompatibleChannel.nvidia().routingDefaults().decide(claudeStream));
        // codex: everything to the streamed Responses API
        assertEquals(RoutingDecision.transformTo(new OperationKey(Operation.STREAM_GENERATE_CONTENT,
                OperationKind.OPEN_AI_RESPONSES)), new CodexChannel().routingDefaults().decide(chat));
        // custom: passthrough everywhere
        assertEquals(RoutingDecision.PASSTHROUGH, new CustomChannel().routingDefaults().decide(claudeStream));
        // vertexexpress answers list/get locally
        assertEquals(RoutingDecision.LOCAL, new VertexExpressChannel().routingDefaults()
                .decide(new OperationKey(Operation.LIST_MODELS, OperationKind.GEMINI)));
    }
}
