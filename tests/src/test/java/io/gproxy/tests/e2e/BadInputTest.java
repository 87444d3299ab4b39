package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated bad input on every client route: each answer is a 4xx in the gateway envelope with a request id, never
 * a 5xx, a stack trace or a secret, and none of it reaches an upstream (issue 10).
 */
class BadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROUTES = List.of("/v1/chat/completions", "/v1/responses", "/v1/messages",
            "/v1/messages/count_tokens", "/v1/responses/input_tokens", "/v1/responses/compact", "/v1/embeddings",
            "/v1/images/generations", "/v1/conversations", "/v1beta/models/fast:generateContent",
            "/v1beta/models/fast:streamGenerateContent", "/v1beta/models/fast:countTokens",
            "/openai/v1/chat/completions", "/anthropic/v1/messages", "/gemini/v1beta/models/x:generateContent");

    private static GatewayFixture gw;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
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
    void malformedBodiesOnEveryRoute() throws Exception {
        Random random = new Random(7);
        List<byte[]> bodies = new ArrayList<>(List.of(
                bytes("{"), bytes("{\"model\":"), bytes("}{"), bytes("nul"), bytes("[]"), bytes("\"a string\""),
                bytes("42"), bytes("null"), bytes(""), bytes("{\"model\":\"a\",\"model\":\"b\"}"),
                bytes("{'single':'quotes'}"), bytes("{\"model\":\"x\"} trailing"),
                new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0},
                bytes("[".repeat(2000) + "]".repeat(2000)),
                bytes("{\"a\":".repeat(1000) + "1" + "}".repeat(1000))));
        for (int i = 0; i < 40; i++) {
            bodies.add(randomBytes(random));
        }
        for (String route : ROUTES) {
            for (byte[] body : bodies) {
                HttpResponse<String> r = post(route, body, "application/json");
                assertBadInput(r, route, body);
            }
        }
    }

    @Test
    void validJsonWithoutAUsableModel() throws Exception {
        for (String body : List.of("{}", "{\"model\":123}", "{\"model\":null}", "{\"model\":\"\"}", "{\"model\":[\"a\"]}",
                "{\"model\":\"no-such-route\"}", "{\"model\":\"nobody/gpt\"}", "{\"model\":\"/x\"}", "{\"model\":\"openai/\"}")) {
            for (String route : List.of("/v1/chat/completions", "/v1/responses", "/v1/messages")) {
                HttpResponse<String> r = post(route, bytes(body), "application/json");
                assertEquals(404, r.statusCode(), route + " " + body + " -> " + r.body());
                assertBadInput(r, route, bytes(body));
            }
        }
    }

    @Test
    void formsAndMultipartAreRefusedWith415() throws Exception {
        for (String ct : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml")) {
            HttpResponse<String> r = post("/v1/chat/completions", bytes("model=openai/gpt-4o-mini"), ct);
            assertEquals(415, r.statusCode(), ct);
            assertBadInput(r, ct, new byte[0]);
        }
    }

    @Test
    void pathTricksAreUnsupportedPaths() throws Exception {
        for (String path : List.of("/v1/../admin/users", "/v1/%2e%2e/x", "/v1/chat%2Fcompletions", "/v1beta/models/a%2F..%2Fb:generateContent",
                "/console/v1/chat/completions", "/v1beta/v1/chat/completions", "/v1/chat/completions/", "/%00/v1/chat/completions",
                "/v1/models%3Fx", "/v2/chat/completions")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                    .header("authorization", "Bearer " + ALICE_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (path.equals("/v1/chat/completions/")) {
                assertEquals(200, r.statusCode(), "a trailing slash is the same route");
                gw.clearMocks();
                continue;
            }
            assertEquals(404, r.statusCode(), path + " -> " + r.body());
            assertBadInput(r, path, new byte[0]);
        }
    }

    @Test
    void oversizedHeadersAre4xx() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + ALICE_KEY);
        for (int i = 0; i < 40; i++) {
            b.header("x-filler-" + i, "v".repeat(2000));
        }
        HttpResponse<String> r = http.send(b.POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(431, r.statusCode(), r.body());
        assertBadInput(r, "80 KB of headers", new byte[0]);
    }

    /**
     * The gateway's header rule (at most 200 header names and 64 KiB in all, else 431) is what a client meets in local
     * mode too: the JDK server used to close the connection past 200 names, or past 380 KiB as it counts headers
     * (32 bytes more per line), before the gateway saw the request.
     */
    @Test
    void headersPastTheGatewaysLimitsGet431NotAClosedConnection() throws Exception {
        String chat = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("500 small header fields", fillers(500, i -> "x-filler-" + i + ": v"));
        cases.put("201 header names", fillers(201 - 5, i -> "x-filler-" + i + ": v"));
        // 12,000 lines of one name: 120 KB on the wire, 480 KB as the JDK counts them
        cases.put("12000 short lines of one name", fillers(12_000, i -> "x-pad: v"));
        cases.put("one 512 KiB header", List.of("x-big: " + "b".repeat(512 * 1024)));
        Set<String> tableBefore = gw.tableItems();
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> lines = new ArrayList<>(c.getValue());
            lines.add(0, "Authorization: Bearer " + ALICE_KEY);
            RawHttp.Response r = RawHttp.post(gw.baseUrl(), "/v1/chat/completions", lines, chat);
            assertEquals(431, r.status(), c.getKey() + " -> " + r.body());
            JsonNode envelope = JSON.readTree(r.body());
            assertEquals("gproxy_error", envelope.path("error").path("type").asText(), c.getKey());
            assertEquals("request headers too large", envelope.path("error").path("message").asText(), c.getKey());
            assertTrue(r.header("x-gproxy-request-id").isPresent(), c.getKey());
            assertEquals(0, gw.upstreamRequestCount(), c.getKey() + " reached an upstream");
        }
        assertEquals(tableBefore, gw.tableItems(), "refused headers wrote to the table");
    }

    /** Exactly 200 header names are served: the limit counts names, the four the client always sends included. */
    @Test
    void twoHundredHeaderNamesAreServed() throws Exception {
        List<String> lines = new ArrayList<>(fillers(200 - 5, i -> "x-filler-" + i + ": v"));
        lines.add(0, "Authorization: Bearer " + ALICE_KEY);
        RawHttp.Response r = RawHttp.post(gw.baseUrl(), "/v1/chat/completions", lines,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals(1, gw.upstreamRequestCount());
    }

    private static List<String> fillers(int n, java.util.function.IntFunction<String> line) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(line.apply(i));
        }
        return out;
    }

    private static void assertBadInput(HttpResponse<String> r, String route, byte[] body) throws Exception {
        String what = route + " with " + new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what + " -> " + r.statusCode() + " " + r.body());
        JsonNode envelope = JSON.readTree(r.body());
        assertEquals("gproxy_error", envelope.path("error").path("type").asText(), what);
        assertFalse(envelope.path("error").path("message").asText().isBlank(), what);
        assertTrue(r.headers().firstValue("x-gproxy-request-id").isPresent(), what);
        for (String leak : List.of("Exception", "\tat ", "io.gproxy.", "sk-upstream", "sk-ant-upstream", "AIza-upstream")) {
            assertFalse(r.body().contains(leak), what + " leaked '" + leak + "': " + r.body());
        }
        assertEquals(0, gw.upstreamRequestCount(), what + " reached an upstream");
    }

    private static HttpResponse<String> post(String route, byte[] body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + route))
                .header("authorization", "Bearer " + ALICE_KEY).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Random mutations of a valid request: truncation, byte flips, inserted junk. */
    private static byte[] randomBytes(Random random) {
        byte[] base = bytes("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}");
        return switch (random.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(base, 1 + random.nextInt(base.length - 2));
            case 1 -> {
                byte[] b = base.clone();
                for (int i = 0; i < 3; i++) {
                    b[random.nextInt(b.length)] = (byte) "{}[]\":,\\x\u0000".charAt(random.nextInt(10));
                }
                yield isValidJson(b) ? bytes("{") : b;
            }
            default -> {
                byte[] junk = new byte[1 + random.nextInt(20)];
                random.nextBytes(junk);
                byte[] b = new byte[base.length + junk.length];
                int at = 1 + random.nextInt(base.length - 2);
                System.arraycopy(base, 0, b, 0, at);
                System.arraycopy(junk, 0, b, at, junk.length);
                System.arraycopy(base, at, b, at + junk.length, base.length - at);
                yield isValidJson(b) ? bytes("{") : b;
            }
        };
    }

    private static boolean isValidJson(byte[] b) {
        try {
            JSON.readTree(b);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
