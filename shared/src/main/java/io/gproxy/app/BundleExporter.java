package io.gproxy.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.Credential;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.EntityType;

import java.util.Comparator;
import java.util.List;

/**
 * The inverse of {@link BundleImporter}: the whole config as an import bundle (spec/core.md §15,
 * examples/bundle.json), ids kept, only the schema's fields. With secrets, credentials carry their plaintext
 * {@code secret_json}, user keys their bare {@code api_key} and users their password hash (which an import keeps as
 * is), so importing the file into an empty store yields the same config. Without secrets none of the three is
 * written: such a file is for review and diffs, and its credentials and keys do not import.
 */
public final class BundleExporter {
    private final SecretCipher cipher;

    public BundleExporter(SecretCipher cipher) {
        this.cipher = cipher;
    }

    public ObjectNode export(ConfigState state, boolean withSecrets) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("schema_version", 1);
        for (EntityType type : EntityType.values()) {
            ArrayNode rows = root.putArray(type.bundleKey());
            List<ConfigItem> items = state.items().stream().filter(i -> i.type() == type)
                    .sorted(Comparator.comparing(ConfigItem::id, EntityExportOrder.NUMERIC_FIRST)).toList();
            for (ConfigItem i : items) {
                rows.add(row(type, i, withSecrets));
            }
        }
        return root;
    }

    private ObjectNode row(EntityType type, ConfigItem item, boolean withSecrets) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String field : type.fields().keySet()) {
            JsonNode v = item.doc().get(field);
            if (v != null && !v.isNull()) {
                out.set(field, v);
            }
        }
        switch (type) {
            case CREDENTIAL -> {
                out.remove("secret_json");
                String sealed = item.doc().path("secret_sealed").asText(null);
                if (withSecrets && sealed != null) {
                    try {
                        out.set("secret_json", Json.MAPPER.readTree(cipher.open(sealed, Credential.secretContext(item.numericId()))));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("credential " + item.id() + " holds a secret that is not JSON");
                    }
                }
            }
            case USER_KEY -> {
                out.remove("api_key");
                String sealed = item.doc().path("api_key_sealed").asText(null);
                if (withSecrets && sealed != null) {
                    out.put("api_key", cipher.open(sealed, SecretContext.of("user_key", item.id())));
                }
            }
            case USER -> {
                if (!withSecrets) {
                    out.remove("password");
                }
            }
            default -> {
            }
        }
        return out;
    }

    /** Numeric ids in numeric order, then anything else (instance settings are keyed by name) alphabetically. */
    private static final class EntityExportOrder {
        static final Comparator<String> NUMERIC_FIRST = (a, b) -> {
            boolean na = a.matches("\\d+");
            boolean nb = b.matches("\\d+");
            if (na && nb) {
                return Long.compare(Long.parseLong(a), Long.parseLong(b));
            }
            return na ? -1 : nb ? 1 : a.compareTo(b);
        };
    }
}
