package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.TransformException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code list_models} / {@code get_model} answers between the three families (spec/surface.md §3.6, §4.12).
 *
 * <table>
 *   <tr><th>Family</th><th>list</th><th>item</th></tr>
 *   <tr><td>OpenAI</td><td>{@code {"object":"list","data":[…]}}</td>
 *       <td>{@code {"id","object":"model","created":<epoch s>,"owned_by"}}</td></tr>
 *   <tr><td>Claude</td><td>{@code {"data":[…],"first_id","last_id","has_more"}}</td>
 *       <td>{@code {"id","type":"model","display_name","created_at":<RFC 3339>}}</td></tr>
 *   <tr><td>Gemini</td><td>{@code {"models":[…],"nextPageToken"?}}</td>
 *       <td>{@code {"name":"models/<id>","displayName",…}}</td></tr>
 * </table>
 *
 * Ids lose or gain Gemini's {@code models/} prefix; a missing creation time is the epoch; {@code owned_by} of a
 * converted item names the upstream family ({@code anthropic}, {@code google}). Gemini's token limits and
 * descriptions are kept when the target is Gemini, dropped otherwise (the other shapes have no place for them).
 *
 * <p>Paging: Gemini's {@code pageSize} ⇔ {@code limit}; a Claude {@code has_more} list becomes a Gemini page whose
 * {@code nextPageToken} is the last id, and a Gemini {@code pageToken} becomes Claude's {@code after_id}. Gemini's
 * own page tokens are opaque and cannot travel back as an {@code after_id}, so a converted Gemini list is one page
 * ({@code has_more:false}); ask with a larger {@code limit} ({@code pageSize}, up to 1000) for more.
 */
public final class Models {
    private static final String EPOCH = "1970-01-01T00:00:00Z";

    private Models() {}

    /** One model in family-neutral terms; {@code gemini} keeps a Gemini item's extra fields. */
    record ModelInfo(String id, String displayName, long created, String ownedBy, ObjectNode gemini) {}

    /** Provider-relative endpoint of a family's get_model. */
    public static String getPath(ProtocolFamily family, String id) {
        return family == ProtocolFamily.GEMINI ? "/v1beta/models/" + OpsJson.bareModel(id) : "/v1/models/" + id;
    }

    /** Provider-relative endpoint of a family's list_models. */
    public static String listPath(ProtocolFamily family) {
        return family == ProtocolFamily.GEMINI ? "/v1beta/models" : "/v1/models";
    }

    public static ObjectNode convertOne(ProtocolFamily upstream, ProtocolFamily client, JsonNode body)
            throws TransformException {
        return render(client, parse(upstream, OpsJson.requireObject(body, "model response")));
    }

    public static ObjectNode convertList(ProtocolFamily upstream, ProtocolFamily client, JsonNode body)
            throws TransformException {
        OpsJson.requireObject(body, "model list response");
        JsonNode items = body.get(upstream == ProtocolFamily.GEMINI ? "models" : "data");
        List<ModelInfo> models = new ArrayList<>();
        if (items != null && !items.isNull()) {
            if (!items.isArray()) {
                throw new TransformException("model list is not an array");
            }
            for (JsonNode item : items) {
                models.add(parse(upstream, OpsJson.requireObject(item, "model list item")));
            }
        }
        boolean hasMore = switch (upstream) {
            case CLAUDE -> body.path("has_more").asBoolean(false);
            // Gemini page tokens are opaque: a Claude client's after_id could not carry one back, and a pager that
            // follows has_more would ask for the first page forever. One page, has_more false.
            case GEMINI, OPENAI -> false;
        };
        ObjectNode out = OpsJson.object();
        switch (client) {
            case OPENAI -> {
                out.put("object", "list");
                ArrayNode data = out.putArray("data");
                models.forEach(m -> data.add(render(client, m)));
            }
            case CLAUDE -> {
                ArrayNode data = out.putArray("data");
                models.forEach(m -> data.add(render(client, m)));
                out.put("has_more", hasMore);
                out.put("first_id", models.isEmpty() ? null : models.get(0).id());
                out.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1).id());
            }
            case GEMINI -> {
                ArrayNode data = out.putArray("models");
                models.forEach(m -> data.add(render(client, m)));
                if (hasMore && upstream == ProtocolFamily.CLAUDE && !models.isEmpty()) {
                    out.put("nextPageToken", models.get(models.size() - 1).id());
                }
            }
        }
        return out;
    }

    /** List query parameters of the client's family for the upstream's family; unknown parameters are dropped. */
    public static Map<String, String> convertListQuery(ProtocolFamily client, ProtocolFamily upstream,
                                                       Map<String, String> query) {
        Map<String, String> out = new LinkedHashMap<>();
        String limit = client == ProtocolFamily.GEMINI ? query.get("pageSize") : query.get("limit");
        String after = client == ProtocolFamily.GEMINI ? query.get("pageToken") : query.get("after_id");
        switch (upstream) {
            case CLAUDE -> {
                if (limit != null) {
                    out.put("limit", limit);
                }
                if (after != null) {
                    out.put("after_id", after);
                }
                if (client == ProtocolFamily.CLAUDE && query.get("before_id") != null) {
                    out.put("before_id", query.get("before_id"));
                }
            }
            case GEMINI -> {
                if (limit != null) {
                    out.put("pageSize", limit);
                }
                if (client == ProtocolFamily.GEMINI && after != null) {
                    out.put("pageToken", after);
                }
            }
            case OPENAI -> { } // OpenAI lists everything at once
        }
        return out;
    }

    static ModelInfo parse(ProtocolFamily family, ObjectNode item) throws TransformException {
        return switch (family) {
            case OPENAI -> {
                String id = required(item, "id");
                JsonNode created = item.get("created");
                yield new ModelInfo(id, id, created != null && created.canConvertToLong() ? created.longValue() : 0,
                        OpsJson.text(item, "owned_by"), null);
            }
            case CLAUDE -> {
                String id = required(item, "id");
                String display = OpsJson.text(item, "display_name");
                yield new ModelInfo(id, display == null ? id : display, epochSeconds(OpsJson.text(item, "created_at")),
                        "anthropic", null);
            }
            case GEMINI -> {
                String id = OpsJson.bareModel(required(item, "name"));
                String display = OpsJson.text(item, "displayName");
                yield new ModelInfo(id, display == null ? id : display, 0, "google", item);
            }
        };
    }

    static ObjectNode render(ProtocolFamily family, ModelInfo m) {
        ObjectNode o = OpsJson.object();
        switch (family) {
            case OPENAI -> {
                o.put("id", m.id());
                o.put("object", "model");
                o.put("created", m.created());
                o.put("owned_by", m.ownedBy() == null ? "system" : m.ownedBy());
            }
            case CLAUDE -> {
                o.put("id", m.id());
                o.put("type", "model");
                o.put("display_name", m.displayName());
                o.put("created_at", m.created() == 0 ? EPOCH : Instant.ofEpochSecond(m.created()).toString());
            }
            case GEMINI -> {
                if (m.gemini() != null) {
                    o.setAll(m.gemini());
                }
                o.put("name", OpsJson.geminiName(m.id()));
                o.put("displayName", m.displayName());
            }
        }
        return o;
    }

    private static String required(ObjectNode item, String field) throws TransformException {
        String v = OpsJson.text(item, field);
        if (v == null || v.isEmpty()) {
            throw new TransformException("model without " + field);
        }
        return v;
    }

    private static long epochSeconds(String rfc3339) {
        if (rfc3339 == null) {
            return 0;
        }
        try {
            return Instant.parse(rfc3339).getEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(rfc3339).toEpochSecond();
            } catch (DateTimeParseException e2) {
                return 0;
            }
        }
    }
}
