package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformException;

/** Small JSON helpers shared by the non-content conversions. */
final class OpsJson {
    private OpsJson() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return Json.MAPPER.createArrayNode();
    }

    static ObjectNode requireObject(JsonNode body, String what) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException(what + " must be a JSON object");
        }
        return (ObjectNode) body;
    }

    /** A text field, or null when absent, null or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** An integral field, or null when absent or null; a non-integer is a conversion error. */
    static Long integer(JsonNode node, String field, String what) throws TransformException {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !v.canConvertToLong() || v.decimalValue().stripTrailingZeros().scale() > 0) {
            throw new TransformException(what + " must be an integer");
        }
        return v.longValue();
    }

    /** The model id without Gemini's {@code models/} resource prefix. */
    static String bareModel(String model) {
        return model != null && model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    /** Gemini's resource name for a model id. */
    static String geminiName(String model) {
        return "models/" + bareModel(model);
    }

    static boolean present(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && !v.isNull();
    }
}
