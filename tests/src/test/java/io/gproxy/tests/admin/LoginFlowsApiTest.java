package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gproxy.tests.admin.AdminHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OAuth login flows of the admin API (spec/core.md §13.4) end to end: a Claude Code login by pasted code and a
 * Codex device login each create a sealed OAuth credential that the gateway then serves requests with; the error
 * paths answer in the gateway envelope and nothing secret comes back.
 */
class LoginFlowsApiTest {
    private static GatewayFixture gw;
    private static AdminHttp http;
    private static HttpServer provider;
    private static final List<String> seen = new CopyOnWriteArrayList<>();
    private static final AtomicInteger devicePolls = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("authorization");
            seen.add(path + " " + URLDecoder.decode(body, StandardCharsets.UTF_8) + " " + auth);
            int status = 200;
            String answer;
            switch (path) {
                case "/oauth/token" -> answer = body.contains("code=dev-code")
                        ? "{\"access_token\":\"at-device\",\"refresh_token\":\"rt-device\",\"expires_in\":3600}"
                        : "{\"access_token\":\"at-pasted\",\"refresh_token\":\"rt-pasted\",\"expires_in\":3600,"
                        + "\"account\":{\"uuid\":\"acc-9\",\"email_address\":\"ops@example.com\"}}";
                case "/api/accounts/deviceauth/usercode" -> answer = "{\"device_auth_id\":\"dev-1\",\"user_code\":\"WXYZ-0001\",\"interval\":5}";
                case "/api/accounts/deviceauth/token" -> {
                    if (devicePolls.incrementAndGet() == 1) {
                        status = 403;
                        answer = "{\"error\":\"authorization_pending\"}";
                    } else {
                        answer = "{\"authorization_code\":\"dev-code\",\"code_verifier\":\"dev-verifier\"}";
                    }
                }
                default -> answer = "Bearer at-pasted".equals(auth)
                        ? "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"logged in\"}],\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}"
                        : "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad token\"}}";
            }
            if (path.startsWith("/v1/") && !"Bearer at-pasted".equals(auth)) {
                status = 401;
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        provider.start();
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        gw = new GatewayFixture().editBundle(bundle -> {
            bundle.withArray("providers").add(JSON.createObjectNode().put("id", 30).put("name", "cc").put("channel", "claudecode")
                    .set("settings_json", JSON.createObjectNode().put("base_url", base).put("oauth_token_url", base + "/oauth/token")));
            bundle.withArray("providers").add(JSON.createObjectNode().put("id", 31).put("name", "cx").put("channel", "codex")
                    .set("settings_json", JSON.createObjectNode().put("base_url", base).put("oauth_token_url", base + "/oauth/token")
                            .put("oauth_auth_base_url", base)));
        }).start();
        http = new AdminHttp(gw.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        provider.stop(0);
    }

    @Test
    void pastedCodeLoginCreatesASealedCredentialTheGatewayServesWith() throws Exception {
        AdminHttp.Reply started = http.admin("POST", "/admin/login-flows/start", "{\"provider_id\":30}");
        assertEquals(200, started.status(), started.body());
        String url = started.json().path("authorize_url").asText();
        assertTrue(url.startsWith("https://claude.com/cai/oauth/authorize?"), url);
        String state = query(url, "state");

        AdminHttp.Reply done = http.admin("POST", "/admin/login-flows/complete", JSON.createObjectNode()
                .put("login_session_id", started.json().path("login_session_id").asText()).put("provider_id", 30)
                .put("code", "pasted-code#" + state).put("name", "ops claude").toString());
        assertEquals(201, done.status(), done.body());
        JsonNode view = done.json();
        assertEquals("oauth", view.path("kind").asText());
        assertEquals("ops claude", view.path("name").asText());
        assertTrue(view.path("has_secret").asBoolean());
        assertFalse(done.body().contains("at-pasted") || done.body().contains("rt-pasted"), "no secret in the view");
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("/oauth/token ") && s.contains("code=pasted-code")
                && s.contains("grant_type=authorization_code")), seen.toString());

        AdminHttp.Reply secret = http.admin("GET", "/admin/credentials/" + view.path("id").asLong() + "/secret", null);
        assertEquals("acc-9", secret.json().at("/secret_json/account_uuid").asText(), "sealed, and revealed only here");

        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("authorization", "Bearer " + GatewayFixture.ALICE_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"cc/claude-sonnet-4-5\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, served.statusCode(), served.body());
        assertTrue(served.body().contains("logged in"));

        AdminHttp.Reply reused = http.admin("POST", "/admin/login-flows/complete", JSON.createObjectNode()
                .put("login_session_id", started.json().path("login_session_id").asText()).put("provider_id", 30)
                .put("code", "pasted-code#" + state).toString());
        assertEquals(404, reused.status(), "a login is used once");
    }

    @Test
    void deviceLoginPendsThenCreatesTheCredential() throws Exception {
        AdminHttp.Reply started = http.admin("POST", "/admin/login-flows/device/start",
                "{\"provider_id\":31,\"name\":\"codex device\"}");
        assertEquals(200, started.status(), started.body());
        assertEquals("WXYZ-0001", started.json().path("user_code").asText());
        assertEquals(5, started.json().path("interval_secs").asInt());
        String poll = JSON.createObjectNode().put("login_session_id", started.json().path("login_session_id").asText()).toString();

        AdminHttp.Reply pending = http.admin("POST", "/admin/login-flows/device/poll", poll);
        assertEquals(200, pending.status(), pending.body());
        assertEquals("pending", pending.json().path("status").asText());

        AdminHttp.Reply ready = http.admin("POST", "/admin/login-flows/device/poll", poll);
        assertEquals("ready", ready.json().path("status").asText(), ready.body());
        assertEquals("codex device", ready.json().at("/credential/name").asText());
        assertEquals(31, ready.json().at("/credential/provider_id").asInt());
        assertFalse(ready.body().contains("at-device"));
    }

    @Test
    void refusalsAreClearAndAdminOnly() throws Exception {
        AdminHttp.Reply apiKeyChannel = http.admin("POST", "/admin/login-flows/start", "{\"provider_id\":1}");
        assertEquals(400, apiKeyChannel.status());
        assertTrue(apiKeyChannel.json().at("/error/message").asText().contains("no OAuth login"), apiKeyChannel.body());
        assertEquals(404, http.admin("POST", "/admin/login-flows/complete",
                "{\"login_session_id\":\"login_nope\",\"provider_id\":30,\"code\":\"x\"}").status());
        assertEquals(400, http.admin("POST", "/admin/login-flows/device/start", "{\"provider_id\":30}").status(),
                "Claude Code has no device login");
        assertEquals(404, http.admin("POST", "/admin/login-flows/start", "{\"provider_id\":999}").status());
        assertEquals(403, http.call("POST", "/admin/login-flows/start", "{\"provider_id\":30}",
                "authorization", "Bearer " + GatewayFixture.ALICE_KEY).status());
    }

    private static String query(String url, String name) {
        for (String kv : URI.create(url).getRawQuery().split("&")) {
            if (kv.startsWith(name + "=")) {
                return URLDecoder.decode(kv.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
