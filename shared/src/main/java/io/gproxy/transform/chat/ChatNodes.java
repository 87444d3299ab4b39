package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.TransformException;

import java.io.IOException;

/** Typed reads of Chat JSON: absent and JSON null read the same, a wrong type is a decode error. */
final class ChatNodes {
    static final JsonNodeFactory F = Json.MAPPER.getNodeFactory();

    private ChatNodes() {}

    static ObjectNode object() {
        return F.objectNode();
    }

    static ArrayNode array() {
        return F.arrayNode();
    }

    static boolean present(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && !n.isNull();
    }

    /** A string field, or null; non-strings are tolerated where clients are known to be loose. */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    static String requireText(JsonNode parent, String field, String where) throws TransformException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new TransformException(where + "." + field + " must be a string");
        }
        return n.asText();
    }

    static Integer integer(JsonNode parent, String field) throws TransformException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !n.canConvertToInt()) {
            throw new TransformException(field + " must be an integer");
        }
        return n.intValue();
    }

    static Long longValue(JsonNode parent, String field) throws TransformException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !n.canConvertToLong()) {
            throw new TransformException(field + " must be an integer");
        }
        return n.longValue();
    }

    static Double number(JsonNode parent, String field) throws TransformException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new TransformException(field + " must be a number");
        }
        return n.doubleValue();
    }

    static Boolean bool(JsonNode parent, String field) throws TransformException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw new TransformException(field + " must be a boolean");
        }
        return n.booleanValue();
    }

    /** Usage counters: absent, null or non-numeric read as "not reported" (never fail a response over usage). */
    static Long count(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isNumber() ? n.longValue() : null;
    }

    static void putIfNotNull(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** Serialises a JSON value to text (tool arguments sent as objects by loose clients). */
    static String serialize(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String text) throws TransformException {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new TransformException("chunk is not JSON");
        }
    }
}
