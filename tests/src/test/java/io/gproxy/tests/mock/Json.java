package io.gproxy.tests.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Terse JSON builders: the wire shapes read close to the provider docs instead of drowning in put() calls. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** {@code obj("a", 1, "b", null)} → {"a":1,"b":null}; keys keep their order, as the real APIs' do. */
    static ObjectNode obj(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of key/value arguments");
        }
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            node.set((String) keyValues[i], tree(keyValues[i + 1]));
        }
        return node;
    }

    static ArrayNode arr(Object... items) {
        ArrayNode node = MAPPER.createArrayNode();
        for (Object item : items) {
            node.add(tree(item));
        }
        return node;
    }

    static String write(JsonNode node) {
        return node.toString(); // compact, one line: safe inside a single SSE data: line
    }

    private static JsonNode tree(Object value) {
        if (value == null) {
            return MAPPER.nullNode();
        }
        return value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    }
}
