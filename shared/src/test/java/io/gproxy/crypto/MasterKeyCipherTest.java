package io.gproxy.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local envelope encryption: round trip, context binding, key mismatch, tampering, and master-key parsing. */
class MasterKeyCipherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "{\"api_key\":\"sk-upstream-plaintext-123\"}";
    private static final SecretContext CTX = SecretContext.of("credential", 7);

    private final String keyA = MasterKeyCipher.generateKeyBase64();
    private final MasterKeyCipher cipher = MasterKeyCipher.fromBase64(keyA);

    // ---- round trip and envelope shape ------------------------------------------------------------------------------

    @Test
    void sealThenOpenReturnsThePlaintext() {
        String env = cipher.seal(SECRET, CTX);
        assertEquals(SECRET, cipher.open(env, CTX));
        assertEquals(SECRET, MasterKeyCipher.fromBase64(keyA).open(env, CTX), "a second instance of the same key opens it");
    }

    @Test
    void sealingIsRandomised() {
        assertNotEquals(cipher.seal(SECRET, CTX), cipher.seal(SECRET, CTX), "fresh data key and IVs per seal");
    }

    @Test
    void envelopeIsVersionedJsonWithoutPlaintextOrKey() throws Exception {
        String env = cipher.seal(SECRET, CTX);
        ObjectNode node = (ObjectNode) JSON.readTree(env);
        assertEquals(1, node.path("v").asInt());
        assertEquals("A256GCM", node.path("alg").asText());
        assertEquals(cipher.kekId(), node.path("kek").asText());
        assertTrue(cipher.kekId().matches("local-[0-9a-f]{8}"), cipher.kekId());
        for (String f : new String[]{"wdek", "wiv", "iv", "ct"}) {
            assertTrue(node.path(f).isTextual(), f);
        }
        assertFalse(env.contains("sk-upstream-plaintext-123"));
        assertFalse(env.contains("api_key"));
        assertFalse(env.contains(keyA), "the master key itself is never in the envelope");
        assertTrue(SecretCipher.looksSealed(env));
        assertFalse(SecretCipher.looksSealed(SECRET));
    }

    @Test
    void emptyAndUnicodePlaintextsRoundTrip() {
        for (String s : new String[]{"", "ключ 🔑 \u0000 end"}) {
            assertEquals(s, cipher.open(cipher.seal(s, CTX), CTX));
        }
    }

    // ---- failures: wrong context, wrong key, tampering --------------------------------------------------------------

    @Test
    void wrongContextDoesNotOpen() {
        String env = cipher.seal(SECRET, CTX);
        SecretSealingException otherId = assertThrows(SecretSealingException.class,
                () -> cipher.open(env, SecretContext.of("credential", 8)));
        assertFalse(otherId.getMessage().contains("sk-upstream"));
        assertThrows(SecretSealingException.class, () -> cipher.open(env, SecretContext.of("user_key", 7)));
    }

    @Test
    void otherMasterKeyFailsNamingBothKekIdsAndNoSecret() {
        String env = cipher.seal(SECRET, CTX);
        String keyB = MasterKeyCipher.generateKeyBase64();
        MasterKeyCipher other = MasterKeyCipher.fromBase64(keyB);
        SecretSealingException e = assertThrows(SecretSealingException.class, () -> other.open(env, CTX));
        String msg = e.getMessage();
        assertTrue(msg.contains(cipher.kekId()), msg);
        assertTrue(msg.contains(other.kekId()), msg);
        assertFalse(msg.contains("sk-upstream"), msg);
        assertFalse(msg.contains(keyA) || msg.contains(keyB), "no master key material in the message");
    }

    @Test
    void otherMasterKeyFailsEvenWhenTheKekIdIsForged() throws Exception {
        ObjectNode env = (ObjectNode) JSON.readTree(cipher.seal(SECRET, CTX));
        MasterKeyCipher other = MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64());
        env.put("kek", other.kekId());
        assertThrows(SecretSealingException.class, () -> other.open(env.toString(), CTX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ct", "wdek", "iv", "wiv"})
    void tamperedFieldDoesNotOpen(String field) throws Exception {
        ObjectNode env = (ObjectNode) JSON.readTree(cipher.seal(SECRET, CTX));
        byte[] b = Base64.getDecoder().decode(env.path(field).asText());
        b[b.length / 2] ^= 0x01;
        env.put(field, Base64.getEncoder().encodeToString(b));
        SecretSealingException e = assertThrows(SecretSealingException.class, () -> cipher.open(env.toString(), CTX));
        assertFalse(e.getMessage().contains("sk-upstream"));
    }

    @Test
    void swappedCiphertextFromAnotherEnvelopeDoesNotOpen() throws Exception {
        ObjectNode a = (ObjectNode) JSON.readTree(cipher.seal(SECRET, CTX));
        ObjectNode b = (ObjectNode) JSON.readTree(cipher.seal("{\"api_key\":\"other\"}", CTX));
        a.put("ct", b.path("ct").asText());
        assertThrows(SecretSealingException.class, () -> cipher.open(a.toString(), CTX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "sk-plaintext", "{\"v\":2,\"alg\":\"A256GCM\"}", "{\"v\":1,\"alg\":\"none\"}",
            "{\"v\":1,\"alg\":\"A256GCM\",\"kek\":\"x\"}"})
    void nonEnvelopesDoNotOpen(String value) {
        assertThrows(SecretSealingException.class, () -> cipher.open(value, CTX));
    }

    @Test
    void envelopeWithBadBase64DoesNotOpen() throws Exception {
        ObjectNode env = (ObjectNode) JSON.readTree(cipher.seal(SECRET, CTX));
        env.put("ct", "!!not base64!!");
        assertThrows(SecretSealingException.class, () -> cipher.open(env.toString(), CTX));
    }

    // ---- master key parsing ---------------------------------------------------------------------------------------

    @Test
    void fromBase64AcceptsExactly32BytesWithSurroundingWhitespace() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals(MasterKeyCipher.fromBase64(key).kekId(), MasterKeyCipher.fromBase64("  " + key + "\n").kekId());
        assertEquals(32, Base64.getDecoder().decode(MasterKeyCipher.generateKeyBase64()).length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16, 31, 33, 64})
    void fromBase64RejectsWrongLengths(int length) {
        String key = Base64.getEncoder().encodeToString(new byte[length]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCipher.fromBase64(key));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("got " + length), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "%%%%", "AAAA*AAA", "QUJD===="})
    void fromBase64RejectsBadBase64(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCipher.fromBase64(value));
        assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
        assertFalse(e.getMessage().contains(value), "the rejected value is not echoed");
    }

    @Test
    void constructorRejectsNullAndShortKeys() {
        assertThrows(IllegalArgumentException.class, () -> new MasterKeyCipher(null));
        assertThrows(IllegalArgumentException.class, () -> new MasterKeyCipher(new byte[24]));
    }

    @Test
    void kekIdDependsOnTheKey() {
        byte[] k = new byte[32];
        String a = new MasterKeyCipher(k).kekId();
        k[0] = 1;
        assertNotEquals(a, new MasterKeyCipher(k).kekId());
    }
}
