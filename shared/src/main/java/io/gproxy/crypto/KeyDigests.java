package io.gproxy.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Gateway API keys: generation and the SHA-256 digest under which they are stored and looked up. */
public final class KeyDigests {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyDigests() {}

    /** Lowercase hex SHA-256 of the full presented token. */
    public static String digest(String apiKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sk-} + base64url (no padding) of 32 random bytes. */
    public static String generateApiKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Constant-time equality of two digests. */
    public static boolean sameDigest(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
