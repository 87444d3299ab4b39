package io.gproxy.crypto;

/**
 * Binds a sealed secret to the entity that owns it, so a sealed value copied onto another item will not open.
 * Used as AES-GCM associated data locally and as the KMS encryption context in AWS.
 */
public record SecretContext(String entity, String id) {

    public static SecretContext of(String entity, Object id) {
        return new SecretContext(entity, String.valueOf(id));
    }

    /** Canonical form used as associated data. */
    public byte[] associatedData() {
        return ("gproxy:" + entity + ":" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
