package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.BundleException;
import io.gproxy.app.BundleImporter;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.GeneratedIds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Schema-driven list / get / upsert / delete over {@link EntityType}. Reads come from this container's snapshot
 * (reloaded after every write here); writes go through {@link ConfigWriter} on a fresh read and are validated,
 * sealed and hashed by {@link BundleImporter#prepareUpsert}, the same code an import runs, so an entity the API
 * accepts is exactly one an import accepts. What differs per entity lives in {@link EntityHooks}.
 */
final class CrudEngine {
    /** What an upsert wrote: its view, whether it was created, and a bare key to show once (user keys) or null. */
    record Upserted(ObjectNode view, boolean created, String bareKey) {}

    private final ConfigWriter writer;
    private final BundleImporter importer;
    private final EntityHooks hooks;

    CrudEngine(ConfigWriter writer, BundleImporter importer, EntityHooks hooks) {
        this.writer = writer;
        this.importer = importer;
        this.hooks = hooks;
    }

    List<ObjectNode> list(ConfigSnapshot snapshot, EntityType type, Parent parent) throws GatewayError {
        if (parent != null) {
            requireExists(snapshot, parent.type(), Long.toString(parent.id()));
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ConfigItem i : sorted(snapshot.items(), type)) {
            if (parent == null || i.doc().path(parent.field()).asLong(Long.MIN_VALUE) == parent.id()) {
                out.add(EntityViews.view(type, i.doc()));
            }
        }
        return out;
    }

    ObjectNode get(ConfigSnapshot snapshot, EntityType type, String id) throws GatewayError {
        return EntityViews.view(type, requireExists(snapshot, type, id).doc());
    }

    static Optional<ConfigItem> find(List<ConfigItem> items, EntityType type, String id) {
        for (ConfigItem i : items) {
            if (i.type() == type && i.id().equals(id)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    static ConfigItem requireExists(ConfigSnapshot snapshot, EntityType type, String id) throws GatewayError {
        return find(snapshot.items(), type, id).orElseThrow(() -> notFound(type, id));
    }

    Upserted upsert(EntityType type, ObjectNode body, Parent parent) throws GatewayError {
        return writer.apply(state -> planUpsert(state, type, body, parent));
    }

    private ConfigWriter.Change<Upserted> planUpsert(ConfigState state, EntityType type, ObjectNode body, Parent parent)
            throws GatewayError {
        if (parent != null && find(state.items(), parent.type(), Long.toString(parent.id())).isEmpty()) {
            throw notFound(parent.type(), Long.toString(parent.id()));
        }
        rejectUnknownFields(type, body);
        ObjectNode row;
        ConfigItem existing = null;
        JsonNode idNode = body.get("id");
        if (idNode == null || idNode.isNull()) {
            row = body.deepCopy();
            row.remove("id");
            row.put("id", GeneratedIds.next(idsOf(state, type)));
        } else {
            String id = idText(idNode);
            existing = find(state.items(), type, id).orElseThrow(() -> notFound(type, id));
            if (parent != null && existing.doc().path(parent.field()).asLong() != parent.id()) {
                throw notFound(type, id); // another parent's row is not reachable through this one
            }
            row = merge(bundleForm(existing.doc()), body);
            row.put("id", Long.parseLong(id));
        }
        EntityViews.VIEW_ONLY.forEach(row::remove);
        if (parent != null) {
            row.put(parent.field(), parent.id());
        }
        EntityHooks.Prepared prepared = hooks.before(type, row, existing == null ? null : existing.doc(), state);
        List<ConfigItem> puts;
        try {
            puts = new ArrayList<>(importer.prepareUpsert(type, List.of(row), state));
        } catch (BundleException e) {
            throw new GatewayError(e.conflict() ? 409 : 400, e.getMessage());
        }
        ConfigItem written = hooks.after(type, puts.get(0), existing == null ? null : existing.doc(), prepared);
        puts.set(0, written);
        if (existing == null) {
            puts.addAll(hooks.createdExtras(type, written, state));
        }
        return new ConfigWriter.Change<>(puts, List.of(),
                new Upserted(EntityViews.view(type, written.doc()), existing == null, prepared.bareKey()));
    }

    /**
     * A field the entity does not have is a mistake (a typo, or a body meant for another endpoint): silently dropping
     * it would store something other than what the caller meant. View-only fields sent back from a view are fine.
     */
    private static void rejectUnknownFields(EntityType type, ObjectNode body) throws GatewayError {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("id") && !type.fields().containsKey(f) && !EntityViews.VIEW_ONLY.contains(f)) {
                throw GatewayError.badRequest("unknown field '" + printable(f) + "' for " + type.itemName());
            }
        }
    }

    private static String printable(String s) {
        String p = s.codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }

    void delete(EntityType type, String id) throws GatewayError {
        writer.apply(state -> {
            ConfigItem target = find(state.items(), type, id).orElseThrow(() -> notFound(type, id));
            References.Impact impact = References.of(state, type, target);
            if (!impact.blockers().isEmpty()) {
                throw new GatewayError(409, type.itemName() + " " + id + " is still referenced by " + impact.describe());
            }
            List<ConfigStore.ConfigKey> deletes = new ArrayList<>(impact.cascade());
            deletes.add(new ConfigStore.ConfigKey(type, id));
            return new ConfigWriter.Change<>(List.of(), deletes, null);
        });
    }

    /** The stored document as an import row: stored-only fields dropped (sealed values are restored by the hooks). */
    static ObjectNode bundleForm(ObjectNode stored) {
        ObjectNode row = stored.deepCopy();
        row.remove(List.of("secret_sealed", "api_key_digest", "api_key_sealed", "key_preview", "seeded"));
        return row;
    }

    /** Fields of the body over the existing row; an explicit null clears a field. */
    private static ObjectNode merge(ObjectNode row, ObjectNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id")) {
                continue;
            }
            if (e.getValue().isNull()) {
                row.remove(e.getKey());
            } else {
                row.set(e.getKey(), e.getValue());
            }
        }
        return row;
    }

    static String idText(JsonNode idNode) throws GatewayError {
        if (idNode.isIntegralNumber() && idNode.canConvertToLong() && idNode.longValue() > 0) {
            return Long.toString(idNode.longValue());
        }
        if (idNode.isTextual() && idNode.textValue().matches("[1-9][0-9]{0,17}")) {
            return idNode.textValue();
        }
        throw GatewayError.badRequest("id: expected a positive integer");
    }

    static List<Long> idsOf(ConfigState state, EntityType type) {
        List<Long> ids = new ArrayList<>();
        state.items().stream().filter(i -> i.type() == type).forEach(i -> ids.add(i.numericId()));
        return ids;
    }

    static List<ConfigItem> sorted(List<ConfigItem> items, EntityType type) {
        return items.stream().filter(i -> i.type() == type)
                .sorted(Comparator.comparingLong(ConfigItem::numericId)).toList();
    }

    static GatewayError notFound(EntityType type, String id) {
        return new GatewayError(404, type.itemName() + " " + id + " not found");
    }
}
