package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's own errors over real HTTP: the envelope and status of spec/surface.md §2.5, a request id on every
 * response, and none of these requests reaching an upstream.
 */
class GatewayErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Imported as a disabled key of alice's (user 2), next to the bundle's enabled one. */
    private static final String DISABLED_KEY = "sk-disabled-key-000000000000000000000000000";

    private static GatewayFixture gw;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        gw.server().gateway().importer().importBundle(("{\"user_keys\":[{\"id\":50,\"user_id\":2,\"api_key\":\""
                + DISABLED_KEY + "\",\"label\":\"revoked\",\"enabled\":false}]}").getBytes(StandardCharsets.UTF_8));
        gw.server().gateway().configCache().reload();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @BeforeEach
    void clear() {
        gw.clearMocks();
    }

    @Test
    void missingKeyIs401() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", CHAT, null);
        assertError(r, 401, "unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization", "x-api-key", "x-goog-api-key", "query"})
    void wrongKeyIs401InEveryPresentation(String presentation) throws Exception {
        HttpResponse<String> r = send(presentation, "sk-not-a-real-key");
        assertError(r, 401, "unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization", "x-api-key", "x-goog-api-key", "query"})
    void validKeyWorksInEveryPresentation(String presentation) throws Exception {
        HttpResponse<String> r = send(presentation, ALICE_KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY, gw.openAi.lastRequest().header("authorization"));
        assertFalse(gw.openAi.lastRequest().rawQuery() != null && gw.openAi.lastRequest().rawQuery().contains("key="),
                "the client's ?key= is not forwarded");
        for (String h : List.of("cookie", "x-api-key", "x-goog-api-key", "x-custom-client")) {
            assertNull(gw.openAi.lastRequest().header(h), h + " must not be forwarded");
        }
    }

    @Test
    void disabledKeyIs401() throws Exception {
        assertError(post("/v1/chat/completions", CHAT, DISABLED_KEY), 401, "unauthorized");
    }

    @Test
    void unknownModelIs404() throws Exception {
        assertError(post("/v1/chat/completions", "{\"model\":\"no-such-model\",\"messages\":[]}", ALICE_KEY),
                404, "unknown route: no-such-model");
        assertError(post("/v1/chat/completions", "{\"model\":\"nope/gpt-4o\",\"messages\":[]}", ALICE_KEY),
                404, "unknown provider: nope");
    }

    @Test
    void malformedJsonIs400WithAClearMessage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\": \"openai/gpt-4o-mini\", ", ALICE_KEY);
        assertEquals(400, r.statusCode());
        assertTrue(message(r).startsWith("malformed JSON body"), message(r));
        assertError(post("/v1/messages", "[1,2]", ALICE_KEY), 400, "request body must be a JSON object");
        assertError(post("/v1/messages", "", ALICE_KEY), 400, "request body is empty; expected a JSON object");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String huge = "{\"model\":\"openai/gpt-4o-mini\",\"pad\":\"" + "x".repeat((int) GatewayFixture.MAX_BODY_BYTES) + "\"}";
        assertError(post("/v1/chat/completions", huge, ALICE_KEY), 413, "request body too large");
    }

    @Test
    void unsupportedPathIs404() throws Exception {
        assertError(post("/v1/no/such/thing", CHAT, ALICE_KEY), 404, "unsupported path");
        assertError(post("/console/v1/chat/completions", CHAT, ALICE_KEY), 404, "not found");
    }

    private static HttpResponse<String> send(String presentation, String key) throws Exception {
        String path = "/v1/chat/completions";
        HttpRequest.Builder b;
        if (presentation.equals("query")) {
            b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path + "?key=" + key));
        } else {
            b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                    .header(presentation, presentation.equals("authorization") ? "Bearer " + key : key);
        }
        // A cookie and an arbitrary header ride along: neither may reach the upstream.
        b.header("cookie", "gproxy_session=abc").header("x-custom-client", "1");
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("message").asText();
    }

    /** The envelope, the status, a request id, and no upstream call. */
    private static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(message, body.path("error").path("message").asText());
        assertEquals("gproxy_error", body.path("error").path("type").asText());
        assertTrue(r.headers().firstValue("x-gproxy-request-id").isPresent(), "request id header");
        assertEquals(0, gw.upstreamRequestCount(), "no upstream was called");
    }
}
