package io.gproxy.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;
import io.gproxy.tests.mock.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Nothing secret gets out (issue 10). {@code gproxy local} runs as its own process with distinctive secrets seeded
 * everywhere a secret lives (upstream API keys, OAuth access and refresh tokens, gateway user keys, the admin
 * password, the master key), then successes and failures are driven through it, including upstreams whose errors
 * echo back every header and byte they received and OAuth refreshes that succeed and fail. Every line the process
 * printed, every response body and header, must be free of every secret and of the keys' digests and the password
 * hash; no client credential or cookie may reach an upstream; the table holds no secret in plaintext; and CORS is off.
 */
class SecretLeakTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String OPENAI_KEY = secret("sk-LEAKopenai");
    private static final String ANTHROPIC_KEY = secret("sk-ant-LEAKanthropic");
    private static final String GEMINI_KEY = secret("AIzaLEAKgemini");
    private static final String ECHO_KEY = secret("sk-LEAKecho");
    private static final String ACCESS_TOKEN = secret("at-LEAKaccess");
    private static final String REFRESH_TOKEN = secret("rt-LEAKrefresh");
    private static final String FAIL_ACCESS_TOKEN = secret("at-LEAKfailaccess");
    private static final String FAIL_REFRESH_TOKEN = secret("rt-LEAKfailrefresh");
    private static final String NEW_ACCESS_TOKEN = secret("at-LEAKnewaccess");
    private static final String NEW_REFRESH_TOKEN = secret("rt-LEAKnewrefresh");
    private static final String ALICE_KEY = secret("sk-LEAKalice");
    private static final String ADMIN_KEY = secret("sk-LEAKadmin");
    private static final String ADMIN_PASSWORD = secret("LEAKpassword");
    private static final String COOKIE = secret("LEAKcookie");
    private static final String MASTER_KEY;

    static {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        MASTER_KEY = Base64.getEncoder().encodeToString(k);
    }

    private static final MockOpenAi openAi = new MockOpenAi();
    private static final MockAnthropic anthropic = new MockAnthropic();
    private static final MockGemini gemini = new MockGemini();
    private static EchoUpstream echo;
    private static LocalProcess gateway;
    private static Path dataDir;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every response: status, headers and body. */
    private static final StringBuilder responses = new StringBuilder();
    private static final Map<String, Integer> statuses = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        openAi.expectApiKey(OPENAI_KEY);
        anthropic.expectApiKey(ANTHROPIC_KEY);
        gemini.expectApiKey(GEMINI_KEY);
        echo = new EchoUpstream(NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN);
        dataDir = Files.createTempDirectory("gproxy-leak");
        Path bundle = dataDir.resolve("bundle.json");
        Files.writeString(bundle, bundle());
        gateway = LocalProcess.start(dataDir, bundle, Map.of("GPROXY_MASTER_KEY", MASTER_KEY,
                "GPROXY_ADMIN_PASSWORD", ADMIN_PASSWORD, "GPROXY_UPSTREAM_TIMEOUT_MS", "10000"));
        drive();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        echo.close();
        List.<MockUpstream>of(openAi, anthropic, gemini).forEach(MockUpstream::close);
    }

    /** Successes and failures of every kind, each with a cookie and the client's key riding along. */
    private static void drive() throws Exception {
        String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
        String claude = "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";
        String[] bearer = {"authorization", "Bearer " + ALICE_KEY};
        String[] xApiKey = {"x-api-key", ALICE_KEY, "anthropic-version", "2023-06-01"};
        String[] google = {"x-goog-api-key", ALICE_KEY};
        String gem = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
        // successes: each protocol, buffered and streamed, passthrough and converted
        call("chat", "POST", "/v1/chat/completions", chat.formatted("openai/gpt-4o-mini", ""), bearer);
        call("chat stream", "POST", "/v1/chat/completions", chat.formatted("openai/gpt-4o-mini", ",\"stream\":true"), bearer);
        call("claude", "POST", "/v1/messages", claude.formatted("smart", ""), xApiKey);
        call("claude stream", "POST", "/v1/messages", claude.formatted("smart", ",\"stream\":true"), xApiKey);
        call("claude on chat", "POST", "/v1/messages", claude.formatted("openai/gpt-4o-mini", ",\"stream\":true"), xApiKey);
        call("gemini", "POST", "/v1beta/models/fast:generateContent", gem, google);
        call("gemini stream", "POST", "/v1beta/models/fast:streamGenerateContent?alt=sse", gem, google);
        call("responses", "POST", "/v1/responses", "{\"model\":\"openai/gpt-4o-mini\",\"input\":\"hi\"}", bearer);
        call("models", "GET", "/v1/models", null, bearer);
        call("count tokens", "POST", "/v1/messages/count_tokens", claude.formatted("smart", ""), xApiKey);
        // OAuth: a refresh that succeeds (new tokens), one whose token endpoint fails and echoes the refresh token
        call("oauth refreshed", "POST", "/v1/messages", claude.formatted("ccok/claude-sonnet-4-5", ""), xApiKey);
        call("oauth refresh fails", "POST", "/v1/messages", claude.formatted("ccfail/claude-sonnet-4-5", ""), xApiKey);
        // upstream errors that echo the request's headers (the upstream key among them) and body
        for (String status : List.of("400", "401", "429", "500")) {
            call("echo " + status, "POST", "/v1/chat/completions", chat.formatted("echo" + status + "/m", ""), bearer);
            call("echo " + status + " via claude", "POST", "/v1/messages", claude.formatted("echo" + status + "/m", ""), xApiKey);
            call("echo " + status + " stream", "POST", "/v1/chat/completions",
                    chat.formatted("echo" + status + "/m", ",\"stream\":true"), bearer);
        }
        // the gateway's own failures
        call("no key", "POST", "/v1/chat/completions", chat.formatted("openai/gpt-4o-mini", ""));
        call("wrong key", "POST", "/v1/chat/completions", chat.formatted("openai/gpt-4o-mini", ""),
                "authorization", "Bearer " + ALICE_KEY + "x");
        call("malformed", "POST", "/v1/chat/completions", "{\"model\":\"" + ALICE_KEY, bearer);
        call("unknown model", "POST", "/v1/chat/completions", chat.formatted(ALICE_KEY.substring(0, 6) + "nope", ""), bearer);
        call("upstream down", "POST", "/v1/chat/completions", chat.formatted("down/m", ""), bearer);
        // ops endpoints: admin, and a user who is not one
        call("healthz", "GET", "/healthz", null, "authorization", "Bearer " + ADMIN_KEY);
        call("version", "GET", "/version", null, "authorization", "Bearer " + ADMIN_KEY);
        call("healthz as user", "GET", "/healthz", null, bearer);
    }

    @Test
    void noSecretInAnyLogLineResponseBodyOrHeader() throws Exception {
        String printed = gateway.output();
        assertTrue(printed.contains("gproxy local ready"), printed);
        assertTrue(printed.contains("\"status\":"), "request log lines were printed: " + printed);
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> s : secrets().entrySet()) {
            if (printed.contains(s.getValue())) {
                leaks.add(s.getKey() + " in the process output: " + around(printed, s.getValue()));
            }
            if (responses.toString().contains(s.getValue())) {
                leaks.add(s.getKey() + " in a response: " + around(responses.toString(), s.getValue()));
            }
        }
        if (!leaks.isEmpty()) {
            fail(String.join("\n", leaks));
        }
        assertFalse(responses.toString().contains("\tat "), "no stack trace in a response");
        assertFalse(printed.contains("\tat io.gproxy"), "no stack trace in the output: " + printed);
    }

    @Test
    void theDrivenRequestsDidWhatTheyShould() {
        assertEquals(200, statuses.get("chat"));
        assertEquals(200, statuses.get("claude stream"));
        assertEquals(200, statuses.get("oauth refreshed"), "the refresh went through the token endpoint");
        assertEquals(502, statuses.get("oauth refresh fails"));
        assertEquals(400, statuses.get("echo 400"), "an upstream 400 is relayed (with the key redacted)");
        assertTrue(responses.toString().contains("Authorization=[Bearer [redacted]]"),
                "the echoed upstream key was relayed, redacted: " + responses);
        assertEquals(401, statuses.get("no key"));
        assertEquals(403, statuses.get("healthz as user"));
        assertTrue(echo.received().stream().anyMatch(r -> r.contains(REFRESH_TOKEN)), "the refresh grant was sent");
    }

    @Test
    void clientCredentialsAndCookiesNeverReachAnUpstream() {
        List<String> upstreamSaw = new ArrayList<>(echo.received());
        for (MockUpstream m : List.of(openAi, anthropic, gemini)) {
            for (RecordedRequest r : m.requests()) {
                upstreamSaw.add(m.provider() + " " + r.path() + "?" + r.rawQuery() + " " + r.headers() + " " + r.body());
                assertNull(r.header("cookie"), "cookie forwarded to " + m.provider());
            }
        }
        assertTrue(upstreamSaw.size() > 10, "upstreams were called: " + upstreamSaw.size());
        for (String seen : upstreamSaw) {
            for (String s : List.of(ALICE_KEY, ADMIN_KEY, COOKIE, ADMIN_PASSWORD, MASTER_KEY)) {
                assertFalse(seen.contains(s), "a client credential or cookie reached an upstream: " + seen);
            }
        }
        // each upstream key went to its own upstream only
        for (RecordedRequest r : openAi.requests()) {
            assertFalse(r.toString().contains(ANTHROPIC_KEY) || r.toString().contains(GEMINI_KEY), r.toString());
        }
        for (String seen : echo.received()) {
            assertFalse(seen.contains(OPENAI_KEY) || seen.contains(ANTHROPIC_KEY) || seen.contains(GEMINI_KEY), seen);
        }
    }

    @Test
    void theTableHoldsNoSecretInPlaintext() throws Exception {
        String table = scanTable();
        assertTrue(table.contains("secret_sealed"), "credentials are there, sealed");
        for (String s : List.of(OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, ECHO_KEY, ACCESS_TOKEN, REFRESH_TOKEN,
                NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN, FAIL_REFRESH_TOKEN, ALICE_KEY, ADMIN_KEY, ADMIN_PASSWORD, MASTER_KEY)) {
            assertFalse(table.contains(s), "plaintext secret in the table: " + around(table, s));
        }
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        for (String method : List.of("OPTIONS", "POST")) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("origin", "https://evil.example").header("access-control-request-method", "POST")
                    .header("access-control-request-headers", "authorization,content-type")
                    .method(method, HttpRequest.BodyPublishers.ofString(method.equals("POST")
                            ? "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[]}" : ""));
            if (method.equals("POST")) {
                b.header("authorization", "Bearer " + ALICE_KEY);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String h : r.headers().map().keySet()) {
                assertFalse(h.toLowerCase().startsWith("access-control-"), method + " answered with CORS header " + h);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /** Every seeded secret, and what is derived from them: the keys' digests, the stored password hash. */
    private static Map<String, String> secrets() throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("openai key", OPENAI_KEY);
        s.put("anthropic key", ANTHROPIC_KEY);
        s.put("gemini key", GEMINI_KEY);
        s.put("echoed upstream key", ECHO_KEY);
        s.put("access token", ACCESS_TOKEN);
        s.put("refresh token", REFRESH_TOKEN);
        s.put("failing access token", FAIL_ACCESS_TOKEN);
        s.put("failing refresh token", FAIL_REFRESH_TOKEN);
        s.put("refreshed access token", NEW_ACCESS_TOKEN);
        s.put("refreshed refresh token", NEW_REFRESH_TOKEN);
        s.put("alice's gateway key", ALICE_KEY);
        s.put("admin's gateway key", ADMIN_KEY);
        s.put("admin password", ADMIN_PASSWORD);
        s.put("master key", MASTER_KEY);
        s.put("alice's key digest", KeyDigests.digest(ALICE_KEY));
        s.put("admin's key digest", KeyDigests.digest(ADMIN_KEY));
        Matcher hash = Pattern.compile("pbkdf2-sha256\\$[^\"\\\\]+").matcher(scanTable());
        assertTrue(hash.find(), "the admin's password hash is in the table");
        s.put("admin password hash", hash.group());
        return s;
    }

    private static void call(String name, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("cookie", "gproxy_session=" + COOKIE).header("x-custom-client", "1")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        statuses.put(name, r.statusCode());
        responses.append(name).append(" -> ").append(r.statusCode()).append(' ').append(r.headers().map()).append('\n')
                .append(r.body()).append('\n');
    }

    private static String scanTable() throws Exception {
        Matcher port = Pattern.compile("Port:\\s+(\\d+)").matcher(gateway.output());
        assertTrue(port.find(), "DynamoDB Local's port in the output");
        try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port.group(1)))
                .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            StringBuilder all = new StringBuilder();
            ddb.scanPaginator(s -> s.tableName("gproxy")).items().forEach(i -> all.append(i).append('\n'));
            return all.toString();
        }
    }

    private static String bundle() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(SecretLeakTest.class.getResourceAsStream("/bundles/example-bundle.json"));
        for (JsonNode k : root.get("user_keys")) {
            ((ObjectNode) k).put("api_key", k.path("user_id").asLong() == 1 ? ADMIN_KEY : ALICE_KEY);
        }
        Map<String, String> base = Map.of("openai", openAi.baseUrl(), "anthropic", anthropic.baseUrl(), "gemini", gemini.baseUrl());
        for (JsonNode p : root.get("providers")) {
            ((ObjectNode) p).putObject("settings_json").put("base_url", base.get(p.get("name").asText()));
        }
        Map<Long, String> keys = Map.of(1L, OPENAI_KEY, 2L, ANTHROPIC_KEY, 3L, GEMINI_KEY);
        for (JsonNode c : root.get("credentials")) {
            ((ObjectNode) c).putObject("secret_json").put("api_key", keys.get(c.get("provider_id").asLong()));
        }
        ArrayNode providers = (ArrayNode) root.get("providers");
        ArrayNode credentials = (ArrayNode) root.get("credentials");
        long id = 11;
        for (String status : List.of("400", "401", "429", "500")) {
            providers.addObject().put("id", id).put("name", "echo" + status).put("channel", "openai")
                    .putObject("settings_json").put("base_url", echo.url("s" + status));
            credentials.addObject().put("id", id).put("provider_id", id).putObject("secret_json").put("api_key", ECHO_KEY);
            id++;
        }
        providers.addObject().put("id", 20).put("name", "down").put("channel", "openai")
                .putObject("settings_json").put("base_url", "http://127.0.0.1:9"); // nothing listens there
        credentials.addObject().put("id", 20).put("provider_id", 20).putObject("secret_json").put("api_key", ECHO_KEY);
        oauthProvider(providers, credentials, 21, "ccok", "token-ok", ACCESS_TOKEN, REFRESH_TOKEN);
        oauthProvider(providers, credentials, 22, "ccfail", "token-fail", FAIL_ACCESS_TOKEN, FAIL_REFRESH_TOKEN);
        return JSON.writeValueAsString(root);
    }

    /** A Claude Code provider on the echo upstream whose access token has expired: the first request refreshes. */
    private static void oauthProvider(ArrayNode providers, ArrayNode credentials, long id, String name, String tokenPath,
                                      String access, String refresh) {
        ObjectNode settings = providers.addObject().put("id", id).put("name", name).put("channel", "claudecode")
                .putObject("settings_json");
        settings.put("base_url", echo.url("ok")).put("oauth_token_url", echo.url(tokenPath));
        credentials.addObject().put("id", id).put("provider_id", id).put("kind", "oauth").putObject("secret_json")
                .put("access_token", access).put("refresh_token", refresh).put("expires_at_ms", 1);
    }

    private static String secret(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private static String around(String text, String needle) {
        int at = text.indexOf(needle);
        return at < 0 ? "" : text.substring(Math.max(0, at - 200), Math.min(text.length(), at + needle.length() + 60));
    }
}
