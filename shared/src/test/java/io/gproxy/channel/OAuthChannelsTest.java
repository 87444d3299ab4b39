package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refresh rules ("rotate only the returned fields"), bodies and envelopes of the OAuth channels. */
class OAuthChannelsTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static ObjectNode settings(LoopbackUpstream tokens) {
        return Json.MAPPER.createObjectNode().put("oauth_token_url", tokens.baseUrl() + "/oauth/token");
    }

    private static RefreshContext ctx(JsonNode secret, ObjectNode settings) {
        return new RefreshContext(secret, settings, NOW, ChannelHttp.jdk(LoopbackUpstream.CLIENT));
    }

    private static String jwt(String claims) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + b.encodeToString(claims.getBytes()) + ".sig";
    }

    @Test
    void codexRefreshRotatesReturnedFieldsAndReadsTheIdToken() throws Exception {
        ObjectNode old = Json.MAPPER.createObjectNode().put("access_token", "a1").put("refresh_token", "r1")
                .put("id_token", "old-id").put("account_id", "acct-old").put("user_email", "old@example.com")
                .put("expires_at_ms", 1).put("custom_note", "kept");
        String idToken = jwt("{\"email\":\"new@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_account_id\":\"acct-new\"}}");
        String access = jwt("{\"exp\":1900000000}");
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(200, "{\"access_token\":\"" + access + "\",\"id_token\":\""
                    + idToken + "\"}"));
            CodexChannel codex = new CodexChannel();
            assertTrue(codex.needsRefresh(old, NOW));
            ObjectNode fresh = codex.refresh(ctx(old, settings(tokens)));
            assertEquals(access, fresh.path("access_token").asText());
            assertEquals("r1", fresh.path("refresh_token").asText(), "not returned: kept");
            assertEquals(idToken, fresh.path("id_token").asText());
            assertEquals("acct-new", fresh.path("account_id").asText());
            assertEquals("new@example.com", fresh.path("user_email").asText());
            assertEquals(1_900_000_000_000L, fresh.path("expires_at_ms").asLong(), "from the access token's exp");
            assertEquals("kept", fresh.path("custom_note").asText());

            LoopbackUpstream.Recorded req = tokens.last();
            assertEquals("/oauth/token", req.rawPath());
            assertEquals("application/json", req.headers().firstOrNull("content-type"));
            JsonNode body = Json.parse(req.body());
            assertEquals(CodexChannel.CLIENT_ID, body.path("client_id").asText());
            assertEquals("refresh_token", body.path("grant_type").asText());
            assertEquals("r1", body.path("refresh_token").asText());
        }
    }

    @Test
    void geminiCliRefreshUsesTheGoogleGrantAndKeepsTheProject() throws Exception {
        ObjectNode old = Json.MAPPER.createObjectNode().put("access_token", "a1").put("refresh_token", "r1")
                .put("project_id", "proj-9").put("expires_at_ms", NOW.toEpochMilli() + 59_000);
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"access_token\":\"ya29.new\",\"expires_in\":3599,\"scope\":\"x\",\"token_type\":\"Bearer\"}"));
            GeminiCliChannel cli = new GeminiCliChannel();
            assertTrue(cli.needsRefresh(old, NOW), "inside the 60 s skew");
            ObjectNode fresh = cli.refresh(ctx(old, settings(tokens)));
            assertEquals("ya29.new", fresh.path("access_token").asText());
            assertEquals("r1", fresh.path("refresh_token").asText());
            assertEquals("proj-9", fresh.path("project_id").asText());
            assertEquals(NOW.toEpochMilli() + 3_599_000L, fresh.path("expires_at_ms").asLong());
            assertEquals("grant_type=refresh_token&refresh_token=r1&client_id=" + GeminiCliChannel.CLIENT_ID
                    + "&client_secret=" + GeminiCliChannel.CLIENT_SECRET, new String(tokens.last().body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void refreshWithoutARefreshTokenOrAgainstABrokenEndpoint() throws Exception {
        RefreshException none = assertThrows(RefreshException.class, () -> new ClaudeCodeChannel()
                .refresh(ctx(Json.MAPPER.createObjectNode().put("access_token", "a"), null)));
        assertTrue(none.credentialDead());
        try (LoopbackUpstream tokens = new LoopbackUpstream()) {
            tokens.respond(r -> new LoopbackUpstream.Answer(502, "text/html", "<html>bad gateway</html>".getBytes(), new Headers()));
            RefreshException e = assertThrows(RefreshException.class, () -> new ClaudeCodeChannel().refresh(
                    ctx(Json.MAPPER.createObjectNode().put("refresh_token", "r"), settings(tokens))));
            assertEquals("token endpoint answered 502", e.getMessage());
            assertFalse(e.credentialDead());
            tokens.respond(r -> LoopbackUpstream.Answer.json(200, "{\"token_type\":\"Bearer\"}"));
            assertEquals("token endpoint answer has no access_token", assertThrows(RefreshException.class, () ->
                    new ClaudeCodeChannel().refresh(ctx(Json.MAPPER.createObjectNode().put("refresh_token", "r"),
                            settings(tokens)))).getMessage());
        }
        RefreshException unreachable = assertThrows(RefreshException.class, () -> new CodexChannel().refresh(ctx(
                Json.MAPPER.createObjectNode().put("refresh_token", "r"),
                Json.MAPPER.createObjectNode().put("oauth_token_url", "http://127.0.0.1:1/token"))));
        assertTrue(unreachable.getMessage().startsWith("token endpoint unreachable"), unreachable.getMessage());
        assertFalse(unreachable.credentialDead());
        RefreshException apiKey = assertThrows(RefreshException.class, () -> new OpenAiChannel().refresh(ctx(null, null)));
        assertEquals("channel openai has no credential refresh", apiKey.getMessage());
    }

    @Test
    void claudeCodeBodyCarriesTheCliIdentityAndAStableUserId() throws Exception {
        ClaudeCodeChannel cc = new ClaudeCodeChannel();
        ObjectNode secret = Json.MAPPER.createObjectNode().put("access_token", "t").put("device_id", "dev-1")
                .put("account_uuid", "acc-1");
        OperationKey key = new OperationKey(Operation.GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES);
        for (String system : List.of("\"Be brief.\"", "[{\"type\":\"text\",\"text\":\"Be brief.\"}]", "null")) {
            byte[] body = ("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"system\":" + system
                    + ",\"messages\":[]}").getBytes();
            UpstreamRequest r = cc.prepare(new PrepareContext(key, false, "claude-sonnet-4-5", "/v1/messages",
                    QueryString.empty(), new Headers(), body, secret, null, NOW));
            JsonNode sent = Json.parse(r.body());
            assertEquals(ClaudeCodeChannel.IDENTITY, sent.path("system").get(0).path("text").asText(), system);
            if (!system.equals("null")) {
                assertEquals("Be brief.", sent.path("system").get(1).path("text").asText());
            }
            String userId = sent.path("metadata").path("user_id").asText();
            assertTrue(userId.startsWith("user_dev-1_account_acc-1_session_"), userId);
            // idempotent: shaping an already shaped body changes nothing
            UpstreamRequest again = cc.prepare(new PrepareContext(key, false, "claude-sonnet-4-5", "/v1/messages",
                    QueryString.empty(), new Headers(), r.body(), secret, null, NOW));
            assertEquals(sent, Json.parse(again.body()));
        }
        assertTrue(cc.credentialWideAuth());
        assertTrue(cc.needsRefresh(Json.MAPPER.createObjectNode().put("access_token", "t")
                .put("expires_at_ms", NOW.plusSeconds(29 * 60).toEpochMilli()), NOW), "30 min proactive window");
        assertFalse(cc.needsRefresh(Json.MAPPER.createObjectNode().put("access_token", "t")
                .put("expires_at_ms", NOW.plusSeconds(31 * 60).toEpochMilli()), NOW));
    }

    @Test
    void codexBodyIsNormalisedAndPolicyRefusalsArePermanent() throws Exception {
        CodexChannel codex = new CodexChannel();
        byte[] body = ("{\"model\":\"gpt-5-codex\",\"stream\":false,\"store\":true,\"temperature\":0.2,\"top_p\":1,"
                + "\"max_output_tokens\":100,\"input\":[{\"role\":\"system\",\"content\":\"Rule one.\"},"
                + "{\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"Rule two.\"}]},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes();
        UpstreamRequest r = codex.prepare(new PrepareContext(new OperationKey(Operation.STREAM_GENERATE_CONTENT,
                OperationKind.OPEN_AI_RESPONSES), true, "gpt-5-codex", "/v1/responses", QueryString.empty(), new Headers(),
                body, Json.MAPPER.createObjectNode().put("access_token", "t"), null, NOW));
        JsonNode sent = Json.parse(r.body());
        assertTrue(sent.path("stream").asBoolean());
        assertFalse(sent.path("store").asBoolean());
        assertFalse(sent.has("temperature") || sent.has("top_p") || sent.has("max_output_tokens"));
        assertEquals("Rule one.\n\nRule two.", sent.path("instructions").asText());
        assertEquals(1, sent.path("input").size());
        assertEquals("user", sent.path("input").get(0).path("role").asText());
        assertFalse(r.headers().contains("chatgpt-account-id"), "no account id in the secret: no header");

        assertInstanceOf(Disposition.Permanent.class, codex.classify(403, new Headers(),
                "{\"error\":{\"code\":\"misalignment_policy_violation\"}}".getBytes()));
        assertInstanceOf(Disposition.AuthDead.class, codex.classify(403, new Headers(), "{}".getBytes()));

        byte[] list = codex.shapeResponse("{\"models\":[{\"slug\":\"gpt-5-codex\",\"display_name\":\"GPT-5 Codex\"}]}".getBytes(),
                ShapeContext.response(new OperationKey(Operation.LIST_MODELS, OperationKind.OPEN_AI), false, null, 200, null));
        assertEquals(List.of(new CatalogModel("gpt-5-codex", "GPT-5 Codex")), codex.parseModelList(list));
    }

    @Test
    void geminiCliEnvelopeInAndOut() throws Exception {
        GeminiCliChannel cli = new GeminiCliChannel();
        ObjectNode secret = Json.MAPPER.createObjectNode().put("access_token", "t").put("project_id", "proj-9");
        byte[] body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"temperature\":0}}".getBytes();
        OperationKey stream = new OperationKey(Operation.STREAM_GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT);
        UpstreamRequest r = cli.prepare(new PrepareContext(stream, true, "gemini-2.5-pro",
                "/v1beta/models/gemini-2.5-pro:streamGenerateContent", QueryString.parse("alt=sse"), new Headers(), body,
                secret, null, NOW));
        JsonNode sent = Json.parse(r.body());
        assertEquals("gemini-2.5-pro", sent.path("model").asText());
        assertEquals("proj-9", sent.path("project").asText());
        assertEquals(Json.parse(body), sent.path("request"));

        UpstreamRequest count = cli.prepare(new PrepareContext(new OperationKey(Operation.COUNT_TOKENS, OperationKind.GEMINI),
                false, "gemini-2.5-pro", "/v1beta/models/gemini-2.5-pro:countTokens", QueryString.empty(), new Headers(),
                body, secret, null, NOW));
        JsonNode countBody = Json.parse(count.body());
        assertEquals("models/gemini-2.5-pro", countBody.path("request").path("model").asText());
        assertEquals(Json.parse(body).get("contents"), countBody.path("request").path("contents"));

        byte[] unwrapped = cli.shapeResponse("{\"response\":{\"candidates\":[]},\"traceId\":\"t\"}".getBytes(),
                ShapeContext.response(stream, false, "gemini-2.5-pro", 200, null));
        assertEquals("{\"candidates\":[]}", new String(unwrapped));

        String upstreamSse = "data: {\"response\":{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"He\"}]}}]}}\r\n\r\n"
                + "data: {\"response\":{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"llo\"}]}}]},\"traceId\":\"x\"}\r\n\r\n";
        UpstreamStreamDecoder d = cli.newStreamDecoder(stream, new Headers());
        byte[] bytes = upstreamSse.getBytes();
        byte[] a = d.onBytes(bytes, 0, 20);
        byte[] b = d.onBytes(bytes, 20, bytes.length - 20);
        byte[] end = d.onEnd();
        List<SseFrame> frames = new SseDecoder().feed((new String(a) + new String(b) + new String(end)).getBytes());
        assertEquals(2, frames.size());
        assertEquals("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"He\"}]}}]}", frames.get(0).data());
        assertEquals("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"llo\"}]}}]}", frames.get(1).data());
    }
}
