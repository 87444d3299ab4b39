package io.gproxy.transform.ir;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Structured output. {@code JSON_OBJECT} asks for any JSON object; {@code JSON_SCHEMA} for one matching
 * {@code schema} (with the OpenAI {@code name}, {@code description} and {@code strict} where given).
 */
public record ResponseFormat(Type type, String name, String description, ObjectNode schema, Boolean strict) {
    public enum Type {
        TEXT,
        JSON_OBJECT,
        JSON_SCHEMA
    }
}
