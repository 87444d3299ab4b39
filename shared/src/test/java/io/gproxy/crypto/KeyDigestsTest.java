package io.gproxy.crypto;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gateway API key generation and the SHA-256 digest keys are stored and looked up by. */
class KeyDigestsTest {

    @Test
    void generatedKeysAreSkPlus43Base64UrlCharsAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = KeyDigests.generateApiKey();
            assertTrue(key.matches("sk-[A-Za-z0-9_-]{43}"), key);
            assertTrue(seen.add(key), "duplicate key generated");
        }
    }

    @Test
    void digestIsLowercaseSha256HexOfTheWholeToken() {
        // FIPS 180-2 test vectors
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyDigests.digest("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KeyDigests.digest(""));
        String key = KeyDigests.generateApiKey();
        String d = KeyDigests.digest(key);
        assertTrue(d.matches("[0-9a-f]{64}"), d);
        assertEquals(d, KeyDigests.digest(key), "deterministic");
        assertFalse(d.equals(KeyDigests.digest(key.substring(3))), "the sk- prefix is part of the digested token");
    }

    @Test
    void digestIsOverUtf8Bytes() {
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", KeyDigests.digest("\u00e9"));
    }

    @Test
    void sameDigestComparesExactly() {
        String d = KeyDigests.digest("k");
        assertTrue(KeyDigests.sameDigest(d, KeyDigests.digest("k")));
        assertFalse(KeyDigests.sameDigest(d, KeyDigests.digest("K")));
        assertFalse(KeyDigests.sameDigest(d, null));
        assertFalse(KeyDigests.sameDigest(null, null));
    }
}
