package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Provider;
import io.gproxy.config.ProviderModel;
import io.gproxy.config.Route;
import io.gproxy.protocol.ProtocolFamily;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model listing served by the gateway from the snapshot (spec/surface.md §3.6), rendered in the client's family.
 * Aggregated lists hold route names and {@code provider/model} ids; a scoped list holds the provider's own models.
 */
public final class ModelCatalog {
    private ModelCatalog() {}

    /** id to display name, sorted and de-duplicated. */
    public static Map<String, String> aggregated(ConfigSnapshot snapshot) {
        Map<String, String> out = new TreeMap<>();
        for (Route r : snapshot.routes()) {
            out.put(r.name(), r.name());
        }
        for (Provider p : snapshot.providers()) {
            if (p.enabled()) {
                for (ProviderModel m : snapshot.models(p.id())) {
                    out.put(p.name() + "/" + m.modelId(), m.displayName() == null ? m.modelId() : m.displayName());
                }
            }
        }
        return out;
    }

    public static Map<String, String> scoped(ConfigSnapshot snapshot, Provider provider) {
        Map<String, String> out = new TreeMap<>();
        for (ProviderModel m : snapshot.models(provider.id())) {
            out.put(m.modelId(), m.displayName() == null ? m.modelId() : m.displayName());
        }
        return out;
    }

    public static ObjectNode renderList(ProtocolFamily family, Map<String, String> models) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        switch (family) {
            case OPENAI -> {
                root.put("object", "list");
                ArrayNode data = root.putArray("data");
                models.forEach((id, name) -> data.add(renderOne(family, id, name)));
            }
            case CLAUDE -> {
                ArrayNode data = root.putArray("data");
                models.forEach((id, name) -> data.add(renderOne(family, id, name)));
                List<String> ids = List.copyOf(models.keySet());
                root.put("first_id", ids.isEmpty() ? null : ids.get(0));
                root.put("last_id", ids.isEmpty() ? null : ids.get(ids.size() - 1));
                root.put("has_more", false);
            }
            case GEMINI -> {
                ArrayNode data = root.putArray("models");
                models.forEach((id, name) -> data.add(renderOne(family, id, name)));
            }
        }
        return root;
    }

    public static ObjectNode renderOne(ProtocolFamily family, String id, String displayName) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        switch (family) {
            case OPENAI -> {
                o.put("id", id);
                o.put("object", "model");
                o.put("created", 0);
                o.put("owned_by", "gproxy");
            }
            case CLAUDE -> {
                o.put("id", id);
                o.put("type", "model");
                o.put("display_name", displayName == null ? id : displayName);
                o.put("created_at", "1970-01-01T00:00:00Z");
            }
            case GEMINI -> {
                o.put("name", "models/" + id);
                if (displayName != null) {
                    o.put("displayName", displayName);
                }
            }
        }
        return o;
    }
}
