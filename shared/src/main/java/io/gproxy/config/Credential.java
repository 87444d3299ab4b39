package io.gproxy.config;

import io.gproxy.crypto.SecretContext;

/** An upstream credential. The secret stays sealed in the snapshot and is opened per attempt. */
public record Credential(long id, long providerId, String name, String kind, String sealedSecret, int weight,
                         boolean enabled) {

    public static SecretContext secretContext(long credentialId) {
        return SecretContext.of("credential", credentialId);
    }

    public SecretContext secretContext() {
        return secretContext(id);
    }

    @Override
    public String toString() {
        return "Credential[id=" + id + ", provider=" + providerId + ", name=" + name + "]";
    }
}
