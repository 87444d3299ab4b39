package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.BundleException;
import io.gproxy.app.BundleImporter;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.FieldSpec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The single instance-settings row: GET shows it (the schema defaults when none was ever written), POST merges the
 * body into it. Its key is {@code instance_name}, so renaming replaces the row in the same write.
 */
final class SettingsEndpoints {
    static final String DEFAULT_NAME = "gproxy";

    private final ConfigWriter writer;
    private final BundleImporter importer;

    SettingsEndpoints(ConfigWriter writer, BundleImporter importer) {
        this.writer = writer;
        this.importer = importer;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/instance-settings", Access.ADMIN, c -> Replies.ok(current(c.snapshot().items())));
        routes.add("POST", "/admin/instance-settings", Access.ADMIN, c -> {
            ObjectNode body = c.body();
            ObjectNode written = writer.apply(state -> {
                ConfigItem existing = state.items().stream().filter(i -> i.type() == EntityType.INSTANCE_SETTINGS)
                        .findFirst().orElse(null);
                ObjectNode row = existing != null ? existing.doc().deepCopy() : Replies.object();
                for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isNull()) {
                        row.remove(e.getKey());
                    } else {
                        row.set(e.getKey(), e.getValue());
                    }
                }
                if (!row.hasNonNull("instance_name")) {
                    row.put("instance_name", existing != null ? existing.id() : DEFAULT_NAME);
                }
                List<ConfigItem> puts;
                try {
                    puts = importer.prepareUpsert(EntityType.INSTANCE_SETTINGS, List.of(row), state);
                } catch (BundleException e) {
                    throw new GatewayError(e.conflict() ? 409 : 400, e.getMessage());
                }
                List<ConfigStore.ConfigKey> deletes = new ArrayList<>();
                if (existing != null && !existing.id().equals(puts.get(0).id())) {
                    deletes.add(new ConfigStore.ConfigKey(EntityType.INSTANCE_SETTINGS, existing.id()));
                }
                return new ConfigWriter.Change<>(puts, deletes, puts.get(0).doc());
            });
            return Replies.ok(written);
        });
    }

    static ObjectNode current(List<ConfigItem> items) {
        for (ConfigItem i : items) {
            if (i.type() == EntityType.INSTANCE_SETTINGS) {
                return i.doc().deepCopy();
            }
        }
        ObjectNode d = Replies.object().put("instance_name", DEFAULT_NAME);
        for (FieldSpec f : EntityType.INSTANCE_SETTINGS.fields().values()) {
            if (f.defaultValue() instanceof Boolean b) {
                d.put(f.name(), b);
            } else if (f.defaultValue() instanceof Integer n) {
                d.put(f.name(), n);
            } else if (f.defaultValue() instanceof String s) {
                d.put(f.name(), s);
            }
        }
        return d;
    }

    /** Retention in days from the settings (0 keeps forever), for audit rows. */
    static int retentionDays(List<ConfigItem> items) {
        return current(items).path("retention_days").asInt(30);
    }
}
