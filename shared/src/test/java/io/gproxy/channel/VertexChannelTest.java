package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.store.memory.MemoryCredentialSecretStore;
import io.gproxy.store.memory.MemoryLeaseStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vertex with a service account: the JWT grant, token caching in the secret, URLs. */
class VertexChannelTest {
    private static KeyPair keys;
    private static String pem;
    private final VertexChannel vertex = new VertexChannel();

    @BeforeAll
    static void keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static ObjectNode serviceAccount(String tokenUri) {
        return Json.MAPPER.createObjectNode().put("type", "service_account").put("project_id", "proj-1")
                .put("private_key_id", "kid-1").put("private_key", pem)
                .put("client_email", "gw@proj-1.iam.gserviceaccount.com").put("token_uri", tokenUri);
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> m = new HashMap<>();
        for (String p : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = p.indexOf('=');
            m.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void jwtGrantVerifiesWithTheServiceAccountsPublicKey() throws Exception {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        try (LoopbackUpstream token = new LoopbackUpstream()) {
            token.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"access_token\":\"ya29.token\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"));
            String tokenUri = token.baseUrl() + "/token";
            ObjectNode fresh = vertex.refresh(new RefreshContext(serviceAccount(tokenUri), null, now,
                    ChannelHttp.jdk(LoopbackUpstream.CLIENT)));
            assertEquals("ya29.token", fresh.path("access_token").asText());
            assertEquals(now.toEpochMilli() + 3_599_000L, fresh.path("expires_at_ms").asLong());
            assertEquals(pem, fresh.path("private_key").asText(), "the service account fields are kept");

            LoopbackUpstream.Recorded req = token.last();
            assertEquals("POST", req.method());
            assertEquals("/token", req.rawPath());
            assertEquals("application/x-www-form-urlencoded", req.headers().firstOrNull("content-type"));
            Map<String, String> f = form(req.body());
            assertEquals("urn:ietf:params:oauth:grant-type:jwt-bearer", f.get("grant_type"));
            String[] jwt = f.get("assertion").split("\\.");
            assertEquals(3, jwt.length);

            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(keys.getPublic());
            rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertTrue(rsa.verify(Base64.getUrlDecoder().decode(jwt[2])), "RS256 signature verifies");

            JsonNode header = Json.parse(Base64.getUrlDecoder().decode(jwt[0]));
            assertEquals("RS256", header.path("alg").asText());
            assertEquals("JWT", header.path("typ").asText());
            assertEquals("kid-1", header.path("kid").asText());
            JsonNode claims = Json.parse(Base64.getUrlDecoder().decode(jwt[1]));
            assertEquals("gw@proj-1.iam.gserviceaccount.com", claims.path("iss").asText());
            assertEquals("https://www.googleapis.com/auth/cloud-platform", claims.path("scope").asText());
            assertEquals(tokenUri, claims.path("aud").asText());
            assertEquals(now.getEpochSecond(), claims.path("iat").asLong());
            assertEquals(now.getEpochSecond() + 3600, claims.path("exp").asLong());
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void tokenIsReusedUntilExpiryMinusSixtySeconds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MasterKeyCipher cipher = new MasterKeyCipher(new byte[32]);
        TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
        try (LoopbackUpstream token = new LoopbackUpstream()) {
            token.respond(r -> LoopbackUpstream.Answer.json(200,
                    "{\"access_token\":\"tok-" + calls.incrementAndGet() + "\",\"expires_in\":3600}"));
            ObjectNode sa = serviceAccount(token.baseUrl() + "/token");
            String sealed = cipher.seal(sa.toString(), SecretContext.of("credential", 3));
            MemoryCredentialSecretStore store = new MemoryCredentialSecretStore();
            store.put(3, sealed, true);
            CredentialRefresher refresher = new CredentialRefresher(store, new MemoryLeaseStore(), cipher,
                    ChannelHttp.jdk(LoopbackUpstream.CLIENT), clock, CredentialRefresher.Options.defaults(), null);

            // no token yet: one call
            assertEquals("tok-1", refresher.ensureFresh(vertex, 3, sealed, sa, null, false).secret()
                    .path("access_token").asText());
            // reused while now < expires_at - 60 s (the snapshot still holds the original sealed value)
            clock.now = clock.now.plusSeconds(3600 - 61);
            assertEquals("tok-1", refresher.ensureFresh(vertex, 3, sealed, sa, null, false).secret()
                    .path("access_token").asText());
            assertEquals(1, calls.get());
            // inside the skew: refreshed
            clock.now = clock.now.plusSeconds(1);
            assertEquals("tok-2", refresher.ensureFresh(vertex, 3, sealed, sa, null, false).secret()
                    .path("access_token").asText());
            assertEquals(2, calls.get());
            // the cached token lives in the stored secret
            JsonNode stored = Json.parse(cipher.open(store.read(3).orElseThrow().sealedSecret(),
                    SecretContext.of("credential", 3)).getBytes(StandardCharsets.UTF_8));
            assertEquals("tok-2", stored.path("access_token").asText());
            assertEquals(clock.now.toEpochMilli() + 3_600_000L, stored.path("expires_at_ms").asLong());
        }
    }

    @Test
    void needsRefreshFollowsTheSkew() {
        Instant exp = Instant.parse("2026-03-01T11:00:00Z");
        ObjectNode s = Json.MAPPER.createObjectNode().put("access_token", "t").put("expires_at_ms", exp.toEpochMilli());
        assertFalse(vertex.needsRefresh(s, exp.minusSeconds(61)));
        assertTrue(vertex.needsRefresh(s, exp.minusSeconds(60)));
        assertTrue(vertex.needsRefresh(serviceAccount("x"), exp), "no token yet");
    }

    @Test
    void urlsByLocationAndBearerToken() throws Exception {
        ObjectNode secret = serviceAccount("x").put("access_token", "ya29.a");
        OperationKey stream = new OperationKey(Operation.STREAM_GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT);
        UpstreamRequest r = vertex.prepare(new PrepareContext(stream, true, "gemini-2.5-pro",
                "/v1beta/models/alias:streamGenerateContent", QueryString.parse("alt=sse&key=client"),
                Headers.of("authorization", "Bearer client"), "{}".getBytes(), secret,
                Json.MAPPER.createObjectNode().put("location", "europe-west4"), Instant.EPOCH));
        assertEquals(URI.create("https://europe-west4-aiplatform.googleapis.com/v1/projects/proj-1/locations/europe-west4"
                + "/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"), r.uri());
        assertEquals("Bearer ya29.a", r.headers().firstOrNull("authorization"));

        UpstreamRequest global = vertex.prepare(new PrepareContext(new OperationKey(Operation.GENERATE_CONTENT,
                OperationKind.CLAUDE_MESSAGES), false, "claude-sonnet-4-5@20250929", "/v1/messages", QueryString.empty(),
                new Headers(), "{\"model\":\"x\",\"max_tokens\":1,\"messages\":[]}".getBytes(),
                secret.deepCopy().put("location", "global"), null, Instant.EPOCH));
        assertEquals("https://aiplatform.googleapis.com/v1/projects/proj-1/locations/global/publishers/anthropic/models/"
                + "claude-sonnet-4-5@20250929:rawPredict", global.uri().toString());
        JsonNode body = Json.parse(global.body());
        assertFalse(body.has("model"));
        assertEquals("vertex-2023-10-16", body.path("anthropic_version").asText());

        ObjectNode noToken = serviceAccount("x");
        assertThrows(ChannelException.class, () -> vertex.prepare(new PrepareContext(stream, true, "m",
                "/v1beta/models/m:streamGenerateContent", QueryString.empty(), new Headers(), "{}".getBytes(), noToken,
                null, Instant.EPOCH)));
    }

    @Test
    void unusableKeyIsADeadCredential() {
        ObjectNode bad = serviceAccount("http://127.0.0.1:1/token").put("private_key", "not a key");
        RefreshException e = assertThrows(RefreshException.class, () -> vertex.refresh(new RefreshContext(bad, null,
                Instant.now(), (req, t) -> {
                    throw new AssertionError("no call with a broken key");
                }, Duration.ofSeconds(1))));
        assertTrue(e.credentialDead());
    }
}
