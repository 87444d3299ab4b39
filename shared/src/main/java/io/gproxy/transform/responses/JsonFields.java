package io.gproxy.transform.responses;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.transform.TransformException;

/**
 * Typed reads of optional fields. A field that is absent or JSON null reads as null; a field of the wrong type is
 * an undecodable payload (the client or upstream would be rejected by the real API too), hence the exception.
 */
final class JsonFields {
    private JsonFields() {}

    static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    static String str(JsonNode node, String field) throws TransformException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new TransformException("'" + field + "' must be a string");
        }
        return v.asText();
    }

    /** A string field whose wrong type is tolerated (read as null): ids and other non-essential labels. */
    static String strLenient(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static Integer integer(JsonNode node, String field) throws TransformException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !v.canConvertToInt()) {
            throw new TransformException("'" + field + "' must be an integer");
        }
        return v.intValue();
    }

    static Double number(JsonNode node, String field) throws TransformException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new TransformException("'" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    static Boolean bool(JsonNode node, String field) throws TransformException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new TransformException("'" + field + "' must be a boolean");
        }
        return v.booleanValue();
    }

    /** Token counts: absent, null or not a number reads as null (usage never fails a conversion). */
    static Long count(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isNumber() ? v.longValue() : null;
    }
}
