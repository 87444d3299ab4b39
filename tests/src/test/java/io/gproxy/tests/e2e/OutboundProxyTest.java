package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.mock.ClaudeCodeStub;
import io.gproxy.tests.mock.ForwardProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outbound proxies (spec/core.md §8.6): a provider's {@code proxy_url} carries its calls (Basic proxy auth
 * included), a credential's {@code direct} opts out of its provider's proxy, and a credential whose proxy setting is
 * unusable is skipped with a clear error instead of being sent around the proxy. The proxy password never shows.
 */
class OutboundProxyTest {
    private static final String PROXY_PASSWORD = "pr0xy-s3cret-pass";
    private static ForwardProxy authProxy;
    private static ForwardProxy openProxy;
    private static GatewayFixture gw;

    private static ClaudeCodeStub claudeCode;

    @BeforeAll
    static void start() throws Exception {
        authProxy = new ForwardProxy("gw", PROXY_PASSWORD);
        openProxy = new ForwardProxy();
        claudeCode = new ClaudeCodeStub();
        String ccBase = claudeCode.baseUrl();
        gw = new GatewayFixture().editBundle(bundle -> {
            ObjectNode provider = bundle.withArray("providers").addObject().put("id", 40).put("name", "ccproxy")
                    .put("channel", "claudecode").put("proxy_url", openProxy.url());
            provider.putObject("settings_json").put("base_url", ccBase).put("oauth_token_url", ccBase + "/oauth/token");
            ObjectNode cred = bundle.withArray("credentials").addObject().put("id", 40).put("provider_id", 40)
                    .put("name", "cc").put("kind", "oauth");
            cred.putObject("secret_json").put("access_token", "old-token").put("refresh_token", "rt-1").put("expires_at_ms", 1000);
        }).editBundle(bundle -> {
            for (var p : bundle.withArray("providers")) {
                switch (p.get("name").asText()) {
                    // the password carries characters that need percent-encoding in the URL's user info
                    case "openai" -> ((ObjectNode) p).put("proxy_url",
                            "http://gw:" + PROXY_PASSWORD + "@127.0.0.1:" + authProxy.port());
                    case "anthropic", "gemini" -> ((ObjectNode) p).put("proxy_url", openProxy.url());
                    default -> { }
                }
            }
            for (var c : bundle.withArray("credentials")) {
                switch (c.get("provider_id").asInt()) {
                    case 2 -> ((ObjectNode) c).put("proxy_url", "direct");
                    default -> { }
                }
            }
        }).start();
        storeUnusableProxyOnGeminisCredential();
    }

    /**
     * Imports and admin writes refuse a proxy setting the pipeline cannot use, so this one is written to the table
     * directly, as data from before that check would be.
     */
    private static void storeUnusableProxyOnGeminisCredential() {
        io.gproxy.store.ConfigStore store = gw.server().gateway().store();
        io.gproxy.store.ConfigItem stored = store.load().items().stream()
                .filter(i -> i.type() == io.gproxy.store.EntityType.CREDENTIAL && i.id().equals("3")).findFirst().orElseThrow();
        ObjectNode doc = stored.doc().deepCopy().put("proxy_url", "socks5://127.0.0.1:1080");
        store.write(List.of(new io.gproxy.store.ConfigItem(stored.type(), stored.id(), doc)), List.of());
        gw.server().gateway().configCache().reload();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        claudeCode.close();
        authProxy.close();
        openProxy.close();
    }

    @Test
    void providerProxyCarriesTheCallWithBasicProxyAuth() throws Exception {
        int before = gw.openAi.requests().size();
        HttpResponse<String> r = chat("openai/gpt-4o-mini", false);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(before + 1, gw.openAi.requests().size());
        List<ForwardProxy.Seen> seen = authProxy.seen();
        assertFalse(seen.isEmpty(), "the call went through the provider's proxy");
        ForwardProxy.Seen last = seen.get(seen.size() - 1);
        assertEquals("POST", last.method());
        assertEquals(gw.openAi.baseUrl() + "/v1/chat/completions", last.target());
        assertTrue(authProxy.challenges() >= 1, "the proxy asked for credentials and got them");
        assertTrue(last.headerLines().stream().noneMatch(h -> h.contains(ALICE_KEY)), "the gateway key stays home");
    }

    @Test
    void streamsFlowThroughTheProxy() throws Exception {
        HttpResponse<String> r = chat("openai/gpt-4o-mini", true);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("data: [DONE]"), r.body());
    }

    @Test
    void credentialDirectOptsOutOfTheProviderProxy() throws Exception {
        int proxied = openProxy.seen().size();
        HttpResponse<String> r = post("/v1/messages", "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(proxied, openProxy.seen().size(), "a credential's 'direct' beats its provider's proxy");
    }

    @Test
    void unusableProxySettingSkipsTheCredentialNeverGoesDirect() throws Exception {
        // an import or admin write refuses such a setting, naming the field and not the value
        io.gproxy.app.BundleException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.gproxy.app.BundleException.class, () -> gw.server().gateway().importer().importBundle(
                        "{\"credentials\":[{\"id\":3,\"provider_id\":3,\"secret_json\":{\"api_key\":\"AIza-upstream\"},\"proxy_url\":\"socks5://u:p4ss@127.0.0.1:1080\"}]}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(refused.getMessage().contains("credentials[id=3].proxy_url"), refused.getMessage());
        assertFalse(refused.getMessage().contains("p4ss"), refused.getMessage());
        // the one stored at start (as an older version's data) is skipped at request time instead
        int upstream = gw.gemini.requests().size();
        HttpResponse<String> r = chat("gemini/gemini-2.5-flash", false);
        assertEquals(502, r.statusCode(), r.body());
        assertEquals(upstream, gw.gemini.requests().size(), "not sent around the proxy the operator asked for");
    }

    @Test
    void anOAuthRefreshGoesThroughTheCredentialsProxyToo() throws Exception {
        HttpResponse<String> r = post("/v1/messages", "{\"model\":\"ccproxy/claude-sonnet-4-5\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        List<String> targets = openProxy.seen().stream().map(ForwardProxy.Seen::target).toList();
        String base = claudeCode.baseUrl();
        assertTrue(targets.contains(base + "/oauth/token"), "the token endpoint was reached through the proxy: " + targets);
        assertTrue(targets.stream().anyMatch(t -> t.startsWith(base + "/v1/messages")), targets.toString());
    }

    @Test
    void theProxyPasswordIsNeverPrinted() throws Exception {
        chat("openai/gpt-4o-mini", false);
        assertFalse(gw.console().contains(PROXY_PASSWORD));
    }

    private static HttpResponse<String> chat(String model, boolean stream) throws Exception {
        String body = "{\"model\":\"" + model + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return post("/v1/chat/completions", body);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                        .header("Authorization", "Bearer " + ALICE_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
