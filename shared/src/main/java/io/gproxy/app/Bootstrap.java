package io.gproxy.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.crypto.PasswordHasher;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.GeneratedIds;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * First-start bootstrap: makes sure an admin can get in. When the bootstrap admin has no usable password (a fresh
 * store, or an imported admin without one), it gets a random password and a new gateway API key, both returned
 * once for printing and never stored in plaintext. With {@code GPROXY_ADMIN_PASSWORD} the password is reset to
 * that value on every start and not printed.
 */
public final class Bootstrap {
    private final ConfigStore store;
    private final SecretCipher cipher;
    private final String adminName;
    private final String forcedPassword;

    Bootstrap(ConfigStore store, SecretCipher cipher, String adminName, String forcedPassword) {
        this.store = store;
        this.cipher = cipher;
        this.adminName = adminName;
        this.forcedPassword = forcedPassword;
    }

    /**
     * @param password the generated password, or null when none was generated
     * @param apiKey   the new admin API key, or null when none was minted
     */
    public record Result(String adminName, String password, String apiKey) {
        public boolean firstStart() {
            return apiKey != null;
        }
    }

    public Result run() {
        ConfigState state = store.load();
        List<ConfigItem> puts = new ArrayList<>();
        Optional<ConfigItem> admin = state.items().stream()
                .filter(i -> i.type() == EntityType.USER && adminName.equals(i.doc().path("name").asText()))
                .findFirst();
        boolean fresh = admin.isEmpty() || !hasUsablePassword(admin.get().doc());
        if (!fresh && forcedPassword == null) {
            return new Result(adminName, null, null);
        }
        ObjectNode user;
        String userId;
        if (admin.isPresent()) {
            user = admin.get().doc().deepCopy();
            userId = admin.get().id();
        } else {
            String orgId = state.items().stream().filter(i -> i.type() == EntityType.ORG).map(ConfigItem::id)
                    .findFirst().orElse(null);
            if (orgId == null) {
                orgId = "1";
                ObjectNode org = JsonNodeFactory.instance.objectNode();
                org.put("id", 1);
                org.put("name", "default");
                org.put("enabled", true);
                org.put("description", "created at first start");
                puts.add(new ConfigItem(EntityType.ORG, orgId, org));
                // A fresh gateway's only org may use every route, or the first key printed could call nothing.
                ObjectNode permission = JsonNodeFactory.instance.objectNode();
                long permissionId = GeneratedIds.next(state.items().stream()
                        .filter(i -> i.type() == EntityType.ROUTE_PERMISSION).map(ConfigItem::numericId).toList());
                permission.put("id", permissionId);
                permission.put("scope", "org");
                permission.put("scope_id", 1);
                permission.put("route_pattern", "*");
                puts.add(new ConfigItem(EntityType.ROUTE_PERMISSION, Long.toString(permissionId), permission));
            }
            userId = Long.toString(GeneratedIds.next(state.items().stream()
                    .filter(i -> i.type() == EntityType.USER).map(ConfigItem::numericId).toList()));
            user = JsonNodeFactory.instance.objectNode();
            user.put("id", Long.parseLong(userId));
            user.put("name", adminName);
            user.put("org_id", Long.parseLong(orgId));
            user.putNull("team_id");
            user.put("enabled", true);
        }
        user.put("is_admin", true);
        user.put("enabled", true);
        String password = forcedPassword != null ? forcedPassword : PasswordHasher.randomPassword();
        user.put("password", PasswordHasher.hash(password));
        puts.add(new ConfigItem(EntityType.USER, userId, user));

        String apiKey = null;
        if (fresh) {
            apiKey = KeyDigests.generateApiKey();
            String keyId = Long.toString(GeneratedIds.next(state.items().stream()
                    .filter(i -> i.type() == EntityType.USER_KEY).map(ConfigItem::numericId).toList()));
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            key.put("id", Long.parseLong(keyId));
            key.put("user_id", Long.parseLong(userId));
            key.put("label", "first start");
            key.put("enabled", true);
            key.put("api_key_digest", KeyDigests.digest(apiKey));
            key.put("api_key_sealed", cipher.seal(apiKey, SecretContext.of("user_key", keyId)));
            key.put("key_preview", BundleImporter.keyPreview(apiKey));
            puts.add(new ConfigItem(EntityType.USER_KEY, keyId, key));
        }
        store.write(puts, List.of());
        return new Result(adminName, forcedPassword != null ? null : password, apiKey);
    }

    private static boolean hasUsablePassword(ObjectNode user) {
        return user.path("password").isTextual() && user.path("password").textValue().startsWith("pbkdf2-sha256$");
    }
}
