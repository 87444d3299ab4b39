package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.config.Credential;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;

/**
 * The two deliberate reveals (admin only, never cached, audited like mutations): a user key's bare value and a
 * credential's plaintext {@code secret_json} for editing. Everything else only ever sees views.
 */
final class SecretEndpoints {
    private final SecretCipher cipher;

    SecretEndpoints(SecretCipher cipher) {
        this.cipher = cipher;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/user-keys/{id}/reveal", Access.ADMIN, c -> {
            ConfigItem key = CrudEngine.requireExists(c.snapshot(), EntityType.USER_KEY, Long.toString(c.id("id")));
            String sealed = key.doc().path("api_key_sealed").asText(null);
            if (sealed == null) {
                throw new GatewayError(404, "user_key " + key.id() + " has no stored key");
            }
            return Replies.ok(Replies.object().put("api_key", open(sealed, SecretContext.of("user_key", key.id()))));
        });
        routes.add("GET", "/admin/credentials/{id}/secret", Access.ADMIN, c -> {
            ConfigItem cred = CrudEngine.requireExists(c.snapshot(), EntityType.CREDENTIAL, Long.toString(c.id("id")));
            String sealed = cred.doc().path("secret_sealed").asText(null);
            if (sealed == null) {
                throw new GatewayError(404, "credential " + cred.id() + " has no secret");
            }
            JsonNode secret;
            try {
                secret = Json.MAPPER.readTree(open(sealed, Credential.secretContext(cred.numericId())));
            } catch (java.io.IOException e) {
                throw new GatewayError(500, "stored secret is not JSON");
            }
            return Replies.ok(Replies.object().set("secret_json", secret));
        });
    }

    private String open(String sealed, SecretContext context) throws GatewayError {
        try {
            return cipher.open(sealed, context);
        } catch (SecretSealingException e) {
            throw new GatewayError(500, "stored secret cannot be opened with the current key");
        }
    }
}
