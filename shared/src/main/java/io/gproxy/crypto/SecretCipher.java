package io.gproxy.crypto;

/**
 * Seals and opens upstream secrets (DESIGN §6). The sealed form is a versioned JSON envelope string that can be
 * stored as is; {@link #open} fails with {@link SecretSealingException} on a wrong key, a tampered envelope or a
 * context that does not match the one it was sealed with.
 */
public interface SecretCipher {
    String seal(String plaintext, SecretContext context);

    String open(String envelope, SecretContext context);

    /** True when the value is an envelope this cipher family produces (as opposed to legacy plaintext). */
    static boolean looksSealed(String value) {
        return value != null && value.startsWith("{\"v\":") && value.contains("\"alg\"");
    }
}
