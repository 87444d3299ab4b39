package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.ProtocolFamily;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses upstream model-list answers of each family into catalogue entries (ids de-duplicated, order kept). */
public final class ModelLists {
    private ModelLists() {}

    public static List<CatalogModel> parse(ProtocolFamily family, byte[] body) throws ChannelException {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IOException e) {
            throw new ChannelException("model list is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ChannelException("model list is not a JSON object");
        }
        Map<String, CatalogModel> out = new LinkedHashMap<>();
        switch (family) {
            case OPENAI, CLAUDE -> {
                JsonNode data = root.get("data");
                if (data == null || !data.isArray()) {
                    throw new ChannelException("model list has no data array");
                }
                for (JsonNode m : data) {
                    String id = text(m, "id");
                    if (id != null) {
                        String name = text(m, "display_name");
                        out.putIfAbsent(id, new CatalogModel(id, name != null ? name : text(m, "name")));
                    }
                }
            }
            case GEMINI -> {
                JsonNode models = root.has("models") ? root.get("models") : root.get("publisherModels");
                if (models == null || !models.isArray()) {
                    if (root.size() == 0) {
                        break; // Gemini omits "models" when the list is empty
                    }
                    throw new ChannelException("model list has no models array");
                }
                for (JsonNode m : models) {
                    String name = text(m, "name");
                    if (name != null) {
                        String id = name.substring(name.lastIndexOf("models/") < 0 ? 0 : name.lastIndexOf("models/") + 7);
                        out.putIfAbsent(id, new CatalogModel(id, text(m, "displayName")));
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue() : null;
    }
}
