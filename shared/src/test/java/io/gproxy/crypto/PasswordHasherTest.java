package io.gproxy.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PBKDF2 password hashes: format, verification, and refusal of anything that is not our own format. */
class PasswordHasherTest {
    private static final String HASH = PasswordHasher.hash("correct horse");

    @Test
    void hashHasTheDocumentedFormat() {
        String[] parts = HASH.split("\\$");
        assertEquals(4, parts.length, HASH);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals(String.valueOf(PasswordHasher.ITERATIONS), parts[1]);
        assertFalse(HASH.contains("correct horse"));
        assertNotEquals(HASH, PasswordHasher.hash("correct horse"), "salted");
    }

    @Test
    void verifyAcceptsTheRightPasswordOnly() {
        assertTrue(PasswordHasher.verify("correct horse", HASH));
        assertFalse(PasswordHasher.verify("correct horse ", HASH));
        assertFalse(PasswordHasher.verify("Correct horse", HASH));
        assertFalse(PasswordHasher.verify("", HASH));
        assertFalse(PasswordHasher.verify(null, HASH));
        assertFalse(PasswordHasher.verify("correct horse", null));
    }

    @Test
    void emptyPasswordHashesAndVerifies() {
        String h = PasswordHasher.hash("");
        assertTrue(PasswordHasher.verify("", h));
        assertFalse(PasswordHasher.verify("x", h));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo", // imported v2 hash
            "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", // bcrypt
            "correct horse",                                                 // plaintext
            "",
            "pbkdf2-sha1$310000$AAAA$AAAA",
            "pbkdf2-sha256$notanumber$AAAA$AAAA",
            "pbkdf2-sha256$0$AAAA$AAAA",
            "pbkdf2-sha256$-5$AAAA$AAAA",
            "pbkdf2-sha256$1000$!!!$AAAA",
            "pbkdf2-sha256$1000$AAAA",
            "pbkdf2-sha256$1000$AAAA$AAAA$AAAA"})
    void foreignOrBrokenFormatsNeverVerify(String stored) {
        assertFalse(PasswordHasher.verify("correct horse", stored));
    }

    @Test
    void randomPasswordsAre24Base64UrlChars() {
        String p = PasswordHasher.randomPassword();
        assertTrue(p.matches("[A-Za-z0-9_-]{24}"), p);
        assertNotEquals(p, PasswordHasher.randomPassword());
    }
}
