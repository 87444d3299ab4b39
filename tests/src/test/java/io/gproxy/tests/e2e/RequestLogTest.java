package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request log line, which is also a CloudWatch EMF document: its fields for served, streamed and refused
 * requests, valid EMF metadata, and no key, secret or body anywhere in what the gateway printed while serving.
 */
class RequestLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void oneLinePerRequestWithMetricsAndNoSecrets() throws Exception {
        int before = gw.console().length();
        HttpResponse<String> ok = post("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"my private prompt\"}]}", ALICE_KEY);
        HttpResponse<String> streamed = post("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", ALICE_KEY);
        HttpResponse<String> refused = post("{\"model\":\"fast\"}", "sk-wrong-key");
        String printed = gw.console().substring(before);

        List<JsonNode> lines = new ArrayList<>();
        for (String l : printed.split("\n")) {
            if (l.startsWith("{") && l.contains("\"type\":\"request\"")) {
                lines.add(JSON.readTree(l));
            }
        }
        assertEquals(3, lines.size(), printed);

        JsonNode served = byId(lines, ok);
        assertEquals(200, served.path("status").asInt());
        assertEquals("generate_content", served.path("operation").asText());
        assertEquals("open_ai_chat_completions", served.path("kind").asText());
        assertEquals(2, served.path("user_id").asInt());
        assertEquals("fast", served.path("route").asText());
        assertEquals("fast", served.path("model").asText());
        assertTrue(served.path("provider").isTextual() && served.path("upstream_status").asInt() >= 200);
        assertTrue(served.path("latency_ms").asDouble() >= served.path("upstream_ms").asDouble());
        assertTrue(served.path("overhead_ms").asDouble() >= 0);
        assertEquals(12, served.path("input_tokens").asInt(), "usage read from the upstream's answer");
        assertEquals(7, served.path("output_tokens").asInt());
        assertEmf(served, 1, 0, 0);
        assertEquals(12, served.path("InputTokens").asInt());

        JsonNode stream = byId(lines, streamed);
        assertTrue(stream.path("stream").asBoolean());
        assertEquals("openai", stream.path("provider").asText());
        assertEquals("gpt-4o-mini", stream.path("upstream_model").asText());
        assertEquals(12, stream.path("input_tokens").asInt(), "usage read from the relayed stream's usage chunk");
        assertEquals(7, stream.path("output_tokens").asInt());
        assertEmf(stream, 1, 0, 0);

        JsonNode denied = byId(lines, refused);
        assertEquals(401, denied.path("status").asInt());
        assertEquals("unauthorized", denied.path("error").asText());
        assertEmf(denied, 1, 0, 1);
        assertTrue(denied.path("input_tokens").isMissingNode(), "no usage for a refused request");

        for (String secret : List.of(ALICE_KEY, "sk-wrong-key", GatewayFixture.OPENAI_UPSTREAM_KEY,
                GatewayFixture.ANTHROPIC_UPSTREAM_KEY, GatewayFixture.GEMINI_UPSTREAM_KEY, GatewayFixture.MASTER_KEY,
                "my private prompt", "Hello from")) {
            assertFalse(printed.contains(secret), "printed output contains '" + secret + "'");
        }
    }

    private static void assertEmf(JsonNode line, int requests, int errors, int clientErrors) {
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertTrue(line.path("_aws").path("Timestamp").isNumber());
        assertEquals("gproxy", directive.path("Namespace").asText());
        for (JsonNode dimensionSet : directive.path("Dimensions")) {
            for (JsonNode d : dimensionSet) {
                assertTrue(line.path(d.asText()).isTextual(), "dimension " + d + " has a value");
            }
        }
        for (JsonNode m : directive.path("Metrics")) {
            assertTrue(line.path(m.path("Name").asText()).isNumber(), "metric " + m + " has a value");
        }
        assertEquals(requests, line.path("Requests").asInt());
        assertEquals(errors, line.path("Errors").asInt());
        assertEquals(clientErrors, line.path("ClientErrors").asInt());
    }

    private static JsonNode byId(List<JsonNode> lines, HttpResponse<String> r) {
        String id = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        return lines.stream().filter(l -> l.path("request_id").asText().equals(id)).findFirst().orElseThrow();
    }

    private static HttpResponse<String> post(String body, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
