package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.login.LoginException;
import io.gproxy.channel.login.LoginFlowService;
import io.gproxy.channel.login.Pkce;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.store.memory.MemoryLoginStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OAuth login flows that create credentials (spec/core.md §13.4) against a loopback provider: authorize URLs
 * with PKCE, what the operator pastes back in each channel's style, the code exchange, the device flow, and the
 * failure paths (state mismatch, refused code, expired or reused login, another provider's login).
 */
class OAuthLoginTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private LoopbackUpstream provider;
    private VertexChannelTest.TestClock clock;
    private MemoryLoginStateStore store;
    private LoginFlowService logins;

    @BeforeEach
    void setUp() throws Exception {
        provider = new LoopbackUpstream();
        clock = new VertexChannelTest.TestClock(T0);
        store = new MemoryLoginStateStore();
        byte[] key = new byte[32];
        logins = new LoginFlowService(ChannelRegistry.builtIn(), store, new MasterKeyCipher(key),
                ChannelHttp.jdk(LoopbackUpstream.CLIENT), clock, new SecureRandom(), Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() {
        provider.close();
    }

    private ObjectNode settings() {
        return Json.MAPPER.createObjectNode().put("oauth_token_url", provider.baseUrl() + "/oauth/token")
                .put("oauth_auth_base_url", provider.baseUrl()).put("base_url", provider.baseUrl());
    }

    private static Map<String, String> query(String url) {
        QueryString q = QueryString.parse(URI.create(url).getRawQuery());
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        q.asMap().forEach((k, v) -> out.put(k, v.get(0)));
        return out;
    }

    private static Map<String, String> form(byte[] body) {
        return query("http://x/?" + new String(body, StandardCharsets.UTF_8));
    }

    private static String jwt(String claimsJson) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + b.encodeToString(claimsJson.getBytes()) + ".sig";
    }

    @Test
    void claudeCodeAuthorizationCodeWithPkce() throws Exception {
        provider.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"sk-ant-oat-new\",\"refresh_token\":\"sk-ant-ort-new\","
                + "\"expires_in\":3600,\"scope\":\"user:profile user:inference\",\"account\":{\"uuid\":\"acc-1\",\"email_address\":\"op@example.com\"}}"));
        LoginFlowService.AuthStarted started = logins.start("claudecode", 7L, null, Map.of());
        Map<String, String> q = query(started.authorizeUrl());
        assertTrue(started.authorizeUrl().startsWith("https://claude.com/cai/oauth/authorize?"), started.authorizeUrl());
        assertEquals(ClaudeCodeChannel.CLIENT_ID, q.get("client_id"));
        assertEquals("code", q.get("response_type"));
        assertEquals("https://platform.claude.com/oauth/code/callback", q.get("redirect_uri"));
        assertEquals("S256", q.get("code_challenge_method"));
        assertEquals("true", q.get("code"));
        assertTrue(q.get("scope").contains("user:inference"));

        LoginFlowService.Completed done = logins.complete(started.loginSessionId(), 7L, "claudecode", settings(),
                "the-code#" + q.get("state"));

        Map<String, String> sent = form(provider.last().body());
        assertEquals("/oauth/token", provider.last().rawPath());
        assertEquals("authorization_code", sent.get("grant_type"));
        assertEquals("the-code", sent.get("code"));
        assertEquals(q.get("redirect_uri"), sent.get("redirect_uri"));
        assertEquals(q.get("state"), sent.get("state"), "Anthropic's endpoint gets the state back");
        assertEquals(q.get("code_challenge"), Pkce.challengeOf(sent.get("code_verifier")), "the verifier matches the challenge");
        assertEquals(ClaudeCodeChannel.OAUTH_BETA, provider.last().headers().firstOrNull("anthropic-beta"));

        ObjectNode secret = done.secret();
        assertEquals("claudecode", done.channel());
        assertEquals("sk-ant-oat-new", secret.path("access_token").asText());
        assertEquals("sk-ant-ort-new", secret.path("refresh_token").asText());
        assertEquals(T0.toEpochMilli() + 3_600_000L, secret.path("expires_at_ms").asLong());
        assertEquals("acc-1", secret.path("account_uuid").asText());
        assertEquals("op@example.com", secret.path("user_email").asText());

        LoginException again = assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 7L,
                "claudecode", settings(), "the-code#" + q.get("state")));
        assertEquals(404, again.status(), "a login is used once");
    }

    @Test
    void aStateMismatchIsRefusedWithoutSpendingTheLogin() throws Exception {
        provider.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":60}"));
        LoginFlowService.AuthStarted started = logins.start("claudecode", 7L, null, Map.of());
        LoginException e = assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 7L,
                "claudecode", settings(), "code#not-the-state"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("state mismatch"));
        assertTrue(provider.requests.isEmpty(), "nothing was exchanged");
        String state = query(started.authorizeUrl()).get("state");
        assertEquals("a", logins.complete(started.loginSessionId(), 7L, "claudecode", settings(), "code#" + state)
                .secret().path("access_token").asText());
    }

    @Test
    void aRefusedCodeIsTheOperatorsToRedoAndEndsTheLogin() throws Exception {
        provider.respond(r -> LoopbackUpstream.Answer.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}"));
        LoginFlowService.AuthStarted started = logins.start("codex", 3L, null, Map.of());
        String state = query(started.authorizeUrl()).get("state");
        LoginException e = assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 3L, "codex",
                settings(), "http://localhost:1455/auth/callback?code=stale&state=" + state));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
        assertEquals(404, assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 3L, "codex",
                settings(), "x")).status());
    }

    @Test
    void codexCallbackUrlPasteFillsTheAccountFromTheIdToken() throws Exception {
        String idToken = jwt("{\"email\":\"dev@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-42\"}}");
        provider.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"id_token\":\""
                + idToken + "\",\"expires_in\":864000}"));
        LoginFlowService.AuthStarted started = logins.start("codex", 3L, null, Map.of());
        Map<String, String> q = query(started.authorizeUrl());
        assertTrue(started.authorizeUrl().startsWith("https://auth.openai.com/oauth/authorize?"));
        assertEquals("true", q.get("codex_cli_simplified_flow"));
        assertEquals("http://localhost:1455/auth/callback", q.get("redirect_uri"));
        assertTrue(q.get("scope").contains("offline_access"));

        ObjectNode secret = logins.complete(started.loginSessionId(), 3L, "codex", settings(),
                "http://localhost:1455/auth/callback?code=good&scope=x&state=" + q.get("state")).secret();
        assertEquals("acct-42", secret.path("account_id").asText());
        assertEquals("dev@example.com", secret.path("user_email").asText());
        assertFalse(form(provider.last().body()).containsKey("state"), "OpenAI's exchange has no state");
    }

    @Test
    void deniedConsentIsAClearError() throws Exception {
        LoginFlowService.AuthStarted started = logins.start("codex", 3L, null, Map.of());
        LoginException e = assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 3L, "codex",
                settings(), "http://localhost:1455/auth/callback?error=access_denied&state=s"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("access_denied"));
    }

    @Test
    void codexDeviceFlowPendsThenExchanges() throws Exception {
        int[] polls = {0};
        provider.respond(r -> switch (r.rawPath()) {
            case "/api/accounts/deviceauth/usercode" -> LoopbackUpstream.Answer.json(200,
                    "{\"device_auth_id\":\"dev-1\",\"user_code\":\"ABCD-1234\",\"interval\":\"5\"}");
            case "/api/accounts/deviceauth/token" -> ++polls[0] == 1 ? LoopbackUpstream.Answer.json(403, "{}")
                    : LoopbackUpstream.Answer.json(200, "{\"authorization_code\":\"dev-code\",\"code_verifier\":\"dev-verifier\"}");
            default -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":60}");
        });
        LoginFlowService.DeviceStarted started = logins.startDevice("codex", 3L, settings(), Map.of());
        assertEquals("ABCD-1234", started.userCode());
        assertEquals(provider.baseUrl() + "/codex/device", started.verificationUrl());
        assertEquals(5, started.intervalSeconds());
        assertEquals(ChannelRegistry.builtIn().find("codex").map(c -> ((CodexChannel) c).loginSpec().clientId()).orElseThrow(),
                Json.parse(provider.last().body()).path("client_id").asText());

        assertTrue(logins.poll(started.loginSessionId(), 3L, "codex", settings()).pending());
        LoginFlowService.DevicePolled done = logins.poll(started.loginSessionId(), 3L, "codex", settings());
        assertFalse(done.pending());
        assertEquals("rt", done.completed().secret().path("refresh_token").asText());
        Map<String, String> sent = form(provider.last().body());
        assertEquals("dev-code", sent.get("code"));
        assertEquals("dev-verifier", sent.get("code_verifier"));
        assertEquals(provider.baseUrl() + "/deviceauth/callback", sent.get("redirect_uri"));
    }

    @Test
    void geminiCliResolvesItsProjectOrTakesTheOperatorsHint() throws Exception {
        provider.respond(r -> r.rawPath().equals("/v1internal:loadCodeAssist")
                ? LoopbackUpstream.Answer.json(200, "{\"cloudaicompanionProject\":\"proj-from-google\"}")
                : LoopbackUpstream.Answer.json(200, "{\"access_token\":\"ya29\",\"refresh_token\":\"1//r\",\"expires_in\":3599}"));
        LoginFlowService.AuthStarted started = logins.start("geminicli", 9L, null, Map.of());
        Map<String, String> q = query(started.authorizeUrl());
        assertEquals("offline", q.get("access_type"));
        ObjectNode secret = logins.complete(started.loginSessionId(), 9L, "geminicli", settings(), "4/0Abc").secret();
        assertEquals("proj-from-google", secret.path("project_id").asText());
        LoopbackUpstream.Recorded load = provider.last();
        assertEquals("Bearer ya29", load.headers().firstOrNull("authorization"));
        assertEquals(GeminiCliChannel.CLIENT_SECRET, form(provider.requests.get(provider.requests.size() - 2).body())
                .get("client_secret"));

        int calls = provider.requests.size();
        LoginFlowService.AuthStarted hinted = logins.start("geminicli", 9L, null, Map.of("project_id", "my-proj"));
        ObjectNode secret2 = logins.complete(hinted.loginSessionId(), 9L, "geminicli", settings(), "4/0Def").secret();
        assertEquals("my-proj", secret2.path("project_id").asText());
        assertEquals(calls + 1, provider.requests.size(), "only the token exchange; no project lookup");
    }

    @Test
    void loginsExpireAndBelongToTheirProvider() throws Exception {
        LoginFlowService.AuthStarted started = logins.start("claudecode", 7L, null, Map.of());
        assertEquals(400, assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 8L,
                "claudecode", settings(), "c")).status(), "another provider's login");
        assertEquals(400, assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 7L,
                "codex", settings(), "c")).status(), "a provider of another channel");
        clock.now = T0.plus(LoginFlowService.LIFETIME).plusSeconds(1);
        assertEquals(404, assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 7L,
                "claudecode", settings(), "c")).status());
        assertEquals(400, assertThrows(LoginException.class, () -> logins.start("openai", 1L, null, Map.of())).status(),
                "API-key channels have no login");
        assertEquals(400, assertThrows(LoginException.class, () -> logins.startDevice("claudecode", 7L, settings(),
                Map.of())).status(), "no device flow there");
    }

    @Test
    void theKeptStateIsSealedAndANoRefreshTokenAnswerIsRefused() throws Exception {
        provider.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"a\",\"expires_in\":60}"));
        LoginFlowService.AuthStarted started = logins.start("claudecode", 7L, null, Map.of());
        String kept = store.get(started.loginSessionId(), T0).orElseThrow();
        assertFalse(kept.contains("verifier") || kept.contains("authcode"), "sealed, not readable");
        String state = query(started.authorizeUrl()).get("state");
        LoginException e = assertThrows(LoginException.class, () -> logins.complete(started.loginSessionId(), 7L,
                "claudecode", settings(), "c#" + state));
        assertEquals(502, e.status());
    }
}
