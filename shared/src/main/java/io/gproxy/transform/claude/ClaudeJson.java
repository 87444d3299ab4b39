package io.gproxy.transform.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.LossReport;

/**
 * Typed reads of Claude payload fields. Essential fields of the wrong type make the payload undecodable
 * ({@link TransformException}); optional scalars of the wrong type are dropped and noted, because the rest of the
 * request is still meaningful.
 */
final class ClaudeJson {

    private ClaudeJson() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return Json.MAPPER.createArrayNode();
    }

    static boolean present(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        return v != null && !v.isNull();
    }

    /** A string field; null when absent or JSON null. */
    static String string(JsonNode obj, String field, String where) throws TransformException {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new TransformException(where + "." + field + " must be a string");
        }
        return v.asText();
    }

    /** A string field read leniently (stream payloads, response details): anything not textual is null. */
    static String lenientString(JsonNode obj, String field) {
        JsonNode v = obj == null ? null : obj.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static Long lenientLong(JsonNode obj, String field) {
        JsonNode v = obj == null ? null : obj.get(field);
        return v != null && v.isNumber() ? v.longValue() : null;
    }

    static Double optDouble(JsonNode obj, String field, LossReport loss) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            loss.drop(field);
            return null;
        }
        return v.doubleValue();
    }

    static Integer optInt(JsonNode obj, String field, LossReport loss) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            loss.drop(field);
            return null;
        }
        return v.intValue();
    }

    /** Compact JSON text of a node (tool inputs become IR argument text this way). */
    static String write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON text expected to be an object; null when it is not valid JSON or not an object. */
    static ObjectNode parseObject(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            return node != null && node.isObject() ? (ObjectNode) node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Parses a stream frame's data; null when it is not a JSON object. */
    static JsonNode parseFrame(String data) {
        if (data == null || data.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(data);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
