package io.gproxy.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KMS envelope encryption against the real AWS SDK KmsClient talking to an in-JVM KMS fake over HTTP. */
class KmsEnvelopeCipherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_VALUE = "sk-upstream-plaintext-123";
    private static final String SECRET = "{\"api_key\":\"" + SECRET_VALUE + "\"}";
    private static final SecretContext CTX = SecretContext.of("credential", 7);

    private static FakeKmsServer fake;
    private static KmsClient kms;

    private final MutableClock clock = new MutableClock();
    private final KmsEnvelopeCipher cipher = new KmsEnvelopeCipher(kms, FakeKmsServer.DEFAULT_ALIAS, clock,
            Duration.ofMinutes(5), 1024);

    @BeforeAll
    static void startFake() throws Exception {
        fake = FakeKmsServer.start();
        kms = client(fake.endpoint());
    }

    @AfterAll
    static void stopFake() {
        kms.close();
        fake.close();
    }

    @AfterEach
    void noInjectedFailuresLeak() {
        fake.failNext(0, null, 0);
    }

    /** Retries off: injected throttling and 5xx errors must reach the cipher on the first attempt. */
    private static KmsClient client(URI endpoint) {
        return KmsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    // ---- round trip and envelope shape ------------------------------------------------------------------------------

    @Test
    void sealThenOpenReturnsThePlaintext() {
        String env = cipher.seal(SECRET, CTX);
        assertEquals(SECRET, cipher.open(env, CTX));
        KmsEnvelopeCipher byArn = new KmsEnvelopeCipher(kms, fake.defaultKeyArn());
        assertEquals(SECRET, byArn.open(env, CTX), "another instance (key named by ARN, not alias) opens it");
    }

    @Test
    void emptyAndUnicodePlaintextsRoundTrip() {
        for (String s : new String[]{"", "ключ 🔑 \u0000 end", "x".repeat(100_000)}) {
            assertEquals(s, cipher.open(cipher.seal(s, CTX), CTX));
        }
    }

    @Test
    void sealingIsRandomisedAndAsksKmsForAFreshAes256KeyUnderTheContext() {
        int before = fake.calls("GenerateDataKey");
        assertNotEquals(cipher.seal(SECRET, CTX), cipher.seal(SECRET, CTX));
        assertEquals(before + 2, fake.calls("GenerateDataKey"), "one data key per seal");
        JsonNode req = fake.lastRequest("GenerateDataKey");
        assertEquals(FakeKmsServer.DEFAULT_ALIAS, req.path("KeyId").asText());
        assertEquals("AES_256", req.path("KeySpec").asText());
        assertEquals("credential", req.path("EncryptionContext").path("gproxy:entity").asText());
        assertEquals("7", req.path("EncryptionContext").path("gproxy:id").asText());
    }

    @Test
    void envelopeIsVersionedJsonWithoutPlaintext() throws Exception {
        String env = cipher.seal(SECRET, CTX);
        assertTrue(env.startsWith("{\"v\":1,\"alg\":\"KMS-A256GCM\""), env);
        ObjectNode node = (ObjectNode) JSON.readTree(env);
        assertEquals(fake.defaultKeyArn(), node.path("kek").asText(), "kek is the key ARN KMS answered with");
        for (String f : new String[]{"edk", "iv", "ct"}) {
            assertTrue(node.path(f).isTextual(), f);
        }
        assertEquals(12, Base64.getDecoder().decode(node.path("iv").asText()).length, "96-bit IV");
        assertEquals(SECRET.length() + 16, Base64.getDecoder().decode(node.path("ct").asText()).length, "128-bit tag");
        for (String leak : new String[]{SECRET, SECRET_VALUE, "api_key"}) {
            byte[] b = leak.getBytes(StandardCharsets.UTF_8);
            assertFalse(env.contains(leak), leak);
            assertFalse(env.contains(Base64.getEncoder().encodeToString(b)), "base64 of " + leak);
            assertFalse(env.contains(Base64.getUrlEncoder().withoutPadding().encodeToString(b)), "base64url of " + leak);
            assertFalse(new String(Base64.getDecoder().decode(node.path("ct").asText()), StandardCharsets.ISO_8859_1)
                    .contains(leak), "ct is not the plaintext");
        }
        assertTrue(SecretCipher.looksSealed(env));
        assertFalse(SecretCipher.looksSealed(SECRET));
    }

    // ---- context binding and tampering ------------------------------------------------------------------------------

    @Test
    void anotherEntityOrIdDoesNotOpen() {
        String env = cipher.seal(SECRET, CTX);
        for (SecretContext other : new SecretContext[]{SecretContext.of("credential", 8), SecretContext.of("provider", 7)}) {
            SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(env, other));
            assertTrue(e.getMessage().contains(other.entity() + " " + other.id()), e.getMessage());
            assertTrue(e.getMessage().contains("does not open"), e.getMessage());
            assertNoSecretIn(e);
        }
    }

    @Test
    void wrongContextFailsEvenWhenTheDataKeyIsCached() {
        String env = cipher.seal(SECRET, CTX);
        cipher.open(env, CTX);
        int decrypts = fake.calls("Decrypt");
        assertThrows(SecretSealingException.class, () -> cipher.open(env, SecretContext.of("credential", 8)));
        assertEquals(decrypts + 1, fake.calls("Decrypt"), "the cache is per context: KMS checks the other context");
    }

    @Test
    void tamperedFieldsDoNotOpen() throws Exception {
        String env = cipher.seal(SECRET, CTX);
        for (String field : new String[]{"ct", "edk", "iv"}) {
            String tampered = flipByte(env, field);
            SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(tampered, CTX), field);
            assertTrue(e.getMessage().contains("does not open"), field + ": " + e.getMessage());
            assertNoSecretIn(e);
        }
    }

    @Test
    void aKekNamingAnotherKeyDoesNotOpen() throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(cipher.seal(SECRET, CTX));
        node.put("kek", fake.createKey(null));
        SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(node.toString(), CTX));
        assertTrue(e.getMessage().contains("does not open"), e.getMessage());
    }

    @Test
    void garbageIsNotAnEnvelope() {
        for (String bad : new String[]{"not json", "[1]", "{\"v\":2,\"alg\":\"KMS-A256GCM\"}", SECRET}) {
            SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(bad, CTX), bad);
            assertTrue(e.getMessage().contains("credential 7"), e.getMessage());
            assertNoSecretIn(e);
        }
    }

    // ---- other cipher family ----------------------------------------------------------------------------------------

    @Test
    void masterKeyEnvelopeIsRefusedClearlyAndViceVersa() {
        MasterKeyCipher local = MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64());
        String localEnv = local.seal(SECRET, CTX);
        int decrypts = fake.calls("Decrypt");
        SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(localEnv, CTX));
        assertTrue(e.getMessage().contains("local master key"), e.getMessage());
        assertEquals(decrypts, fake.calls("Decrypt"), "refused before calling KMS");

        String kmsEnv = cipher.seal(SECRET, CTX);
        assertThrows(SecretSealingException.class, () -> local.open(kmsEnv, CTX));
    }

    // ---- data-key cache ---------------------------------------------------------------------------------------------

    @Test
    void warmOpensHitTheCacheUntilTheTtlExpires() {
        String env = cipher.seal(SECRET, CTX);
        int before = fake.calls("Decrypt");
        for (int i = 0; i < 100; i++) {
            assertEquals(SECRET, cipher.open(env, CTX));
        }
        assertEquals(before + 1, fake.calls("Decrypt"), "100 opens, one Decrypt");

        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        cipher.open(env, CTX);
        assertEquals(before + 1, fake.calls("Decrypt"), "still fresh");

        clock.advance(Duration.ofSeconds(1));
        assertEquals(SECRET, cipher.open(env, CTX));
        assertEquals(before + 2, fake.calls("Decrypt"), "expired after the TTL");
    }

    @Test
    void clearCacheForcesADecrypt() {
        String env = cipher.seal(SECRET, CTX);
        cipher.open(env, CTX);
        int before = fake.calls("Decrypt");
        cipher.clearCache();
        assertEquals(0, cipher.cachedKeys());
        assertEquals(SECRET, cipher.open(env, CTX));
        assertEquals(before + 1, fake.calls("Decrypt"));
    }

    @Test
    void sealingDoesNotFillTheCache() {
        cipher.seal(SECRET, CTX);
        assertEquals(0, cipher.cachedKeys(), "only opens cache, so a sealing-only init leaves nothing to snapshot");
    }

    @Test
    void cacheIsBounded() {
        KmsEnvelopeCipher small = new KmsEnvelopeCipher(kms, FakeKmsServer.DEFAULT_ALIAS, clock, Duration.ofMinutes(5), 2);
        String[] envs = new String[3];
        for (int i = 0; i < 3; i++) {
            envs[i] = small.seal(SECRET + i, SecretContext.of("credential", i));
        }
        int before = fake.calls("Decrypt");
        for (int i = 0; i < 3; i++) {
            small.open(envs[i], SecretContext.of("credential", i));
        }
        assertEquals(2, small.cachedKeys());
        small.open(envs[2], SecretContext.of("credential", 2));
        assertEquals(before + 3, fake.calls("Decrypt"), "the most recent key is still cached");
        small.open(envs[0], SecretContext.of("credential", 0));
        assertEquals(before + 4, fake.calls("Decrypt"), "the least recently used key was evicted");
    }

    @Test
    void zeroTtlDisablesTheCache() {
        KmsEnvelopeCipher uncached = new KmsEnvelopeCipher(kms, FakeKmsServer.DEFAULT_ALIAS, clock, Duration.ZERO, 1024);
        String env = uncached.seal(SECRET, CTX);
        int before = fake.calls("Decrypt");
        uncached.open(env, CTX);
        uncached.open(env, CTX);
        assertEquals(before + 2, fake.calls("Decrypt"));
        assertEquals(0, uncached.cachedKeys());
    }

    // ---- KMS failures -----------------------------------------------------------------------------------------------

    @Test
    void throttlingIsAClearNonSecretFailure() {
        String env = cipher.seal(SECRET, CTX);
        fake.failNext(1, "ThrottlingException", 400);
        assertKmsFailure(() -> cipher.open(env, CTX), "throttling");
        assertEquals(SECRET, cipher.open(env, CTX), "works again once KMS recovers");

        fake.failNext(1, "ThrottlingException", 400);
        assertKmsFailure(() -> cipher.seal(SECRET, CTX), "throttling");
    }

    @Test
    void kmsInternalErrorsReadAsUnavailable() {
        String env = cipher.seal(SECRET, CTX);
        fake.failNext(1, "KMSInternalException", 500);
        assertKmsFailure(() -> cipher.open(env, CTX), "unavailable");
        fake.failNext(1, "DependencyTimeoutException", 503);
        assertKmsFailure(() -> cipher.seal(SECRET, CTX), "unavailable");
    }

    @Test
    void unreachableKmsReadsAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (KmsClient down = client(URI.create("http://127.0.0.1:" + closedPort))) {
            KmsEnvelopeCipher c = new KmsEnvelopeCipher(down, FakeKmsServer.DEFAULT_ALIAS);
            assertKmsFailure(() -> c.seal(SECRET, CTX), "unavailable");
        }
    }

    @Test
    void anUnknownKeyIsARefusalNamingTheErrorCode() {
        KmsEnvelopeCipher missing = new KmsEnvelopeCipher(kms, "alias/does-not-exist");
        SecretSealingException e = assertThrows(SecretSealingException.class, () -> missing.seal(SECRET, CTX));
        assertTrue(e.getMessage().contains("NotFoundException"), e.getMessage());
        assertTrue(e.getMessage().contains("credential 7"), e.getMessage());
    }

    @Test
    void constructorRefusesMissingArguments() {
        assertThrows(IllegalArgumentException.class, () -> new KmsEnvelopeCipher(null, "alias/x"));
        assertThrows(IllegalArgumentException.class, () -> new KmsEnvelopeCipher(kms, " "));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static void assertKmsFailure(Executable call, String expected) {
        SecretSealingException e = assertThrows(SecretSealingException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("credential 7"), e.getMessage());
        assertFalse(e.getMessage().contains("does not open"), "not confused with tampering: " + e.getMessage());
        assertNoSecretIn(e);
    }

    private static void assertNoSecretIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            assertFalse(m.contains(SECRET_VALUE), m);
            assertFalse(m.contains(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8))), m);
        }
    }

    private static String flipByte(String env, String field) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(env);
        byte[] b = Base64.getDecoder().decode(node.path(field).asText());
        b[b.length - 1] ^= 0x01;
        node.put(field, Base64.getEncoder().encodeToString(b));
        return node.toString();
    }

    /** A clock the cache-TTL tests move by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
