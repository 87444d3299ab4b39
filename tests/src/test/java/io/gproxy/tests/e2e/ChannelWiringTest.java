package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gproxy.channel.aws.EventStreamCodec;
import io.gproxy.local.LocalOptions;
import io.gproxy.local.LocalServer;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The channel SPI wired into the failover loop, over real HTTP: a route whose first member is an {@code aws-bedrock}
 * provider and whose second is a Claude API provider, both answered by one loopback upstream (Bedrock paths start
 * with {@code /model/}, Claude's with {@code /v1/messages}).
 */
class ChannelWiringTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE_KEY = GatewayFixture.ALICE_KEY;
    static final String CLAUDE_OK = "{\"id\":\"msg_a\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"from anthropic\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

    record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    static HttpServer upstream;
    static final List<String> paths = new CopyOnWriteArrayList<>();
    static final AtomicReference<Answer> bedrock = new AtomicReference<>();
    static final AtomicReference<Answer> anthropic = new AtomicReference<>();
    static LocalServer server;
    static Path dataDir;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ChannelWiringTest::handle);
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();

        ObjectNode root = (ObjectNode) JSON.readTree(ChannelWiringTest.class.getResourceAsStream("/bundles/example-bundle.json"));
        root.set("providers", JSON.readTree("[{\"id\":1,\"name\":\"bedrock\",\"channel\":\"aws-bedrock\",\"label\":\"Bedrock\","
                + "\"settings_json\":{\"base_url\":\"" + base + "\",\"region\":\"eu-west-1\"},\"credential_strategy\":\"round_robin\",\"enabled\":true},"
                + "{\"id\":2,\"name\":\"anthropic\",\"channel\":\"claudeapi\",\"label\":\"Anthropic\","
                + "\"settings_json\":{\"base_url\":\"" + base + "\"},\"credential_strategy\":\"round_robin\",\"enabled\":true},"
                + claudeCode(3, "cc-stale", base) + "," + claudeCode(4, "cc-dead", base) + "," + claudeCode(5, "cc-broken", base) + ","
                + pool(6, "pool-rr", "round_robin", base) + "," + pool(7, "pool-cool", "round_robin", base) + ","
                + pool(8, "pool-sticky", "sticky", base) + "]"));
        root.set("credentials", JSON.readTree("[{\"id\":1,\"provider_id\":1,\"name\":\"bedrock-key\",\"kind\":\"api_key\","
                + "\"secret_json\":{\"api_key\":\"br-key\"},\"weight\":100,\"enabled\":true},"
                + "{\"id\":2,\"provider_id\":2,\"name\":\"anthropic-main\",\"kind\":\"api_key\","
                + "\"secret_json\":{\"api_key\":\"sk-ant-upstream\"},\"weight\":100,\"enabled\":true},"
                + oauthCredential(3, "rt-good", 1_000L) + "," + oauthCredential(4, "rt-good", 4_102_444_800_000L) + ","
                + oauthCredential(5, "rt-bad", 1_000L) + ","
                + keyCredential(6, 6, "k-a") + "," + keyCredential(7, 6, "k-b") + ","
                + keyCredential(8, 7, "k-c") + "," + keyCredential(9, 7, "k-d") + ","
                + keyCredential(10, 8, "k-e") + "," + keyCredential(11, 8, "k-f") + "]"));
        root.set("provider_models", JSON.readTree("[{\"id\":1,\"provider_id\":1,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":2,\"provider_id\":2,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":3,\"provider_id\":3,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":4,\"provider_id\":4,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":5,\"provider_id\":5,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":6,\"provider_id\":6,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":7,\"provider_id\":7,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true},"
                + "{\"id\":8,\"provider_id\":8,\"model_id\":\"claude-sonnet-4-5\",\"enabled\":true}]"));
        root.set("routes", JSON.readTree("[{\"id\":1,\"name\":\"claude\",\"strategy\":\"failover\",\"enabled\":true}]"));
        root.set("route_members", JSON.readTree("[{\"id\":1,\"route_id\":1,\"provider_id\":1,\"upstream_model_id\":\"claude-sonnet-4-5\",\"weight\":100,\"tier\":0,\"enabled\":true},"
                + "{\"id\":2,\"route_id\":1,\"provider_id\":2,\"upstream_model_id\":\"claude-sonnet-4-5\",\"weight\":100,\"tier\":1,\"enabled\":true}]"));
        root.set("aliases", JSON.createArrayNode());

        dataDir = Files.createTempDirectory("gproxy-wiring");
        Path bundle = dataDir.resolve("bundle.json");
        Files.writeString(bundle, JSON.writeValueAsString(root));
        server = LocalServer.start(new LocalOptions("127.0.0.1", 0, dataDir, false, bundle),
                Map.of("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** A Claude Code provider whose token endpoint is the loopback's {@code /oauth/token}. */
    static String claudeCode(int id, String name, String base) {
        return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"channel\":\"claudecode\",\"label\":\"" + name + "\","
                + "\"settings_json\":{\"base_url\":\"" + base + "\",\"oauth_token_url\":\"" + base + "/oauth/token\"},"
                + "\"credential_strategy\":\"round_robin\",\"enabled\":true}";
    }

    /** A Claude API provider whose credentials are told apart by the loopback through their {@code k-*} keys. */
    static String pool(int id, String name, String strategy, String base) {
        return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"channel\":\"claudeapi\",\"label\":\"" + name + "\","
                + "\"settings_json\":{\"base_url\":\"" + base + "\"},\"credential_strategy\":\"" + strategy + "\",\"enabled\":true}";
    }

    static String keyCredential(int id, int providerId, String key) {
        return "{\"id\":" + id + ",\"provider_id\":" + providerId + ",\"name\":\"" + key + "\",\"kind\":\"api_key\","
                + "\"secret_json\":{\"api_key\":\"" + key + "\"},\"weight\":100,\"enabled\":true}";
    }

    /** An OAuth credential (id = provider id) holding the stale access token {@code old-token}. */
    static String oauthCredential(int id, String refreshToken, long expiresAtMs) {
        return "{\"id\":" + id + ",\"provider_id\":" + id + ",\"name\":\"oauth-" + id + "\",\"kind\":\"oauth\","
                + "\"secret_json\":{\"access_token\":\"old-token\",\"refresh_token\":\"" + refreshToken + "\","
                + "\"expires_at_ms\":" + expiresAtMs + "},\"weight\":100,\"enabled\":true}";
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        upstream.stop(0);
    }

    @BeforeEach
    void reset() {
        paths.clear();
        anthropic.set(Answer.json(200, CLAUDE_OK));
    }

    private static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getRawPath();
            String bearer = ex.getRequestHeaders().getFirst("authorization");
            String apiKey = ex.getRequestHeaders().getFirst("x-api-key");
            boolean pooled = apiKey != null && apiKey.startsWith("k-");
            paths.add(path + (bearer != null && !path.startsWith("/model/") ? " " + bearer : "") + (pooled ? " key=" + apiKey : ""));
            Answer a;
            if (path.equals("/oauth/token")) {
                a = body.contains("rt-good")
                        ? Answer.json(200, "{\"access_token\":\"new-token\",\"refresh_token\":\"rt-2\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                        : Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token revoked\"}");
            } else if (path.startsWith("/model/")) {
                a = bedrock.get();
            } else if (pooled) { // k-c is rate limited for a minute, every other pool key answers
                a = apiKey.equals("k-c") ? new Answer(429, "application/json",
                        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"
                                .getBytes(StandardCharsets.UTF_8), Map.of("retry-after", "60"))
                        : Answer.json(200, CLAUDE_OK);
            } else if (bearer != null) { // Claude Code: only the refreshed token is accepted
                a = bearer.equals("Bearer new-token") ? Answer.json(200, CLAUDE_OK)
                        : Answer.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"OAuth token has expired\"}}");
            } else {
                a = anthropic.get();
            }
            ex.getResponseHeaders().set("content-type", a.contentType());
            a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        }
    }

    static HttpResponse<String> messages(boolean stream) throws Exception {
        return messages("claude", stream);
    }

    static HttpResponse<String> messages(String model, boolean stream) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", ALICE_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static long bedrockCalls() {
        return paths.stream().filter(p -> p.startsWith("/model/")).count();
    }

    static long anthropicCalls() {
        return paths.stream().filter(p -> p.startsWith("/v1/messages") && !p.contains(" Bearer ") && !p.contains(" key=")).count();
    }

    static List<String> poolKeys() {
        return paths.stream().filter(p -> p.contains(" key=")).map(p -> p.substring(p.indexOf(" key=") + 5)).toList();
    }

    static List<String> oauthPaths() {
        return paths.stream().filter(p -> p.startsWith("/oauth/token") || p.contains(" Bearer ")).toList();
    }

    @Test
    void bedrock403IsPermanentAndRelayed() throws Exception {
        bedrock.set(Answer.json(403, "{\"message\":\"You don't have access to the model with the specified model ID.\"}"));
        HttpResponse<String> r = messages(false);
        assertEquals(403, r.statusCode(), r.body());
        JsonNode err = JSON.readTree(r.body());
        assertEquals("error", err.path("type").asText(), "shapeResponse put Bedrock's error into Claude's shape");
        assertEquals("permission_error", err.path("error").path("type").asText());
        assertTrue(err.path("error").path("message").asText().contains("don't have access"), r.body());
        assertEquals(1, bedrockCalls());
        assertEquals(0, anthropicCalls(), "a Permanent answer does not fail over");
    }

    @Test
    void bedrock429FailsOverToTheNextMember() throws Exception {
        bedrock.set(new Answer(429, "application/json", "{\"message\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("retry-after", "0"))); // 0: the pair is not cooled for the other tests
        HttpResponse<String> r = messages(false);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("from anthropic", JSON.readTree(r.body()).path("content").path(0).path("text").asText());
        assertEquals(1, bedrockCalls());
        assertEquals(1, anthropicCalls());
    }

    @Test
    void allMembersFailingRelaysTheLastAnswer() throws Exception {
        bedrock.set(Answer.json(503, "{\"message\":\"unavailable\"}"));
        anthropic.set(Answer.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        HttpResponse<String> r = messages(false);
        assertEquals(529, r.statusCode(), r.body());
        JsonNode err = JSON.readTree(r.body());
        assertEquals("overloaded_error", err.path("error").path("type").asText());
    }

    static byte[] chunk(String anthropicEvent) {
        String payload = "{\"bytes\":\"" + Base64.getEncoder().encodeToString(anthropicEvent.getBytes(StandardCharsets.UTF_8))
                + "\",\"p\":\"abcd\"}";
        return EventStreamCodec.encode(Map.of(":message-type", "event", ":event-type", "chunk",
                ":content-type", "application/json"), payload.getBytes(StandardCharsets.UTF_8));
    }

    /** A recorded-shape InvokeModelWithResponseStream answer: Claude events wrapped in AWS event-stream frames. */
    static byte[] claudeEventStream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(chunk("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}"));
        out.writeBytes(chunk("{\"type\":\"content_block_stop\",\"index\":0}"));
        out.writeBytes(chunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                + "\"usage\":{\"output_tokens\":7}}"));
        out.writeBytes(chunk("{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":12,"
                + "\"outputTokenCount\":7,\"invocationLatency\":100,\"firstByteLatency\":50}}"));
        return out.toByteArray();
    }

    @Test
    void bedrockEventStreamReachesAClaudeClientAsSse() throws Exception {
        bedrock.set(new Answer(200, "application/vnd.amazon.eventstream", claudeEventStream(), Map.of()));
        HttpResponse<String> r = messages(true);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"), r.headers().toString());
        List<SseFrame> frames = new SseDecoder().feed(r.body().getBytes(StandardCharsets.UTF_8));
        List<String> names = frames.stream().map(SseFrame::event).filter(e -> e != null && !e.equals("ping")).toList();
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names);
        StringBuilder text = new StringBuilder();
        for (SseFrame f : frames) {
            if ("content_block_delta".equals(f.event())) {
                text.append(JSON.readTree(f.data()).path("delta").path("text").asText());
            }
        }
        assertEquals("Hello world", text.toString());
        assertEquals(0, anthropicCalls());
    }

    @Test
    void bedrockEventStreamIsTranscodedForAnOpenAiClient() throws Exception {
        bedrock.set(new Answer(200, "application/vnd.amazon.eventstream", claudeEventStream(), Map.of()));
        String body = "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                .header("content-type", "application/json").header("authorization", "Bearer " + ALICE_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        StringBuilder text = new StringBuilder();
        for (SseFrame f : new SseDecoder().feed(r.body().getBytes(StandardCharsets.UTF_8))) {
            if (f.data() != null && f.data().startsWith("{")) {
                text.append(JSON.readTree(f.data()).path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        assertEquals("Hello world", text.toString(), r.body());
        assertTrue(r.body().contains("[DONE]"), r.body());
    }

    @Test
    void staleOAuthTokenIsRefreshedBeforeTheCall() throws Exception {
        HttpResponse<String> r = messages("cc-stale/claude-sonnet-4-5", false);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("/oauth/token", "/v1/messages Bearer new-token"), oauthPaths());
        paths.clear();
        assertEquals(200, messages("cc-stale/claude-sonnet-4-5", false).statusCode());
        assertEquals(List.of("/v1/messages Bearer new-token"), oauthPaths(), "the refreshed secret is reused");
    }

    @Test
    void authDeadForcesOneRefreshAndReplays() throws Exception {
        HttpResponse<String> r = messages("cc-dead/claude-sonnet-4-5", false);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("/v1/messages Bearer old-token", "/oauth/token", "/v1/messages Bearer new-token"), oauthPaths());
    }

    @Test
    void failedRefreshSkipsTheCredential() throws Exception {
        HttpResponse<String> r = messages("cc-broken/claude-sonnet-4-5", false);
        assertTrue(r.statusCode() >= 500, r.statusCode() + " " + r.body());
        assertEquals(List.of("/oauth/token"), oauthPaths(), "no upstream call with a stale token");
    }

    @Test
    void roundRobinRotatesTheProvidersCredentials() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, messages("pool-rr/claude-sonnet-4-5", false).statusCode());
        }
        List<String> keys = poolKeys();
        assertEquals(4, keys.size(), keys.toString());
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(!keys.get(i).equals(keys.get(i - 1)), "alternates: " + keys);
        }
    }

    @Test
    void retryAfterCoolsTheCredentialAndModel() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = messages("pool-cool/claude-sonnet-4-5", false);
            assertEquals(200, r.statusCode(), r.body());
        }
        List<String> keys = poolKeys();
        assertEquals(1, keys.stream().filter("k-c"::equals).count(), "k-c is tried once, then cooled: " + keys);
        assertEquals(4, keys.stream().filter("k-d"::equals).count(), keys.toString());
    }

    @Test
    void stickyKeepsTheUserKeyOnOneCredential() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, messages("pool-sticky/claude-sonnet-4-5", false).statusCode());
        }
        List<String> keys = poolKeys();
        assertEquals(4, keys.size(), keys.toString());
        assertEquals(1, keys.stream().distinct().count(), "pinned: " + keys);
    }
}
