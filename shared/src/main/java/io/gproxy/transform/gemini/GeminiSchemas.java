package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.ir.LossReport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema between the IR and Gemini's two schema surfaces.
 *
 * <p>Toward Gemini ({@code parametersJsonSchema}, {@code responseJsonSchema}) the schema is sent as JSON Schema,
 * but the API refuses some of what OpenAI/Claude clients and MCP servers emit (peers.md §C.25):
 * <ul>
 *   <li>{@code $schema} (zod, pydantic) — "Unknown name $schema" / rejected; {@code $id} and {@code $comment} are
 *       metadata that only cost tokens once references are inlined. Dropped everywhere.</li>
 *   <li>{@code $ref} next to other keywords — "If a schema node has $ref set, then only description and default can
 *       be set alongside it". Same-document references are therefore inlined (the referenced schema merged with
 *       the node's own keywords, which win) and the then unused {@code $defs}/{@code definitions} removed; this also
 *       avoids "reference to undefined schema" for {@code definitions} pointers.</li>
 *   <li>Cyclic references cannot be inlined: they stay as {@code $ref} (Gemini unrolls cycles a few levels) with
 *       every sibling except {@code description}, {@code default} and {@code $}-keywords removed. A reference that
 *       does not resolve is removed.</li>
 * </ul>
 * {@code additionalProperties}, {@code anyOf}, {@code prefixItems} and the other keywords are accepted by the JSON
 * Schema fields (only the legacy OpenAPI {@code parameters}/{@code responseSchema} fields refuse them), so they
 * pass through.
 *
 * <p>From Gemini, the legacy OpenAPI-subset {@code Schema} ({@code parameters}, {@code responseSchema}, types
 * spelled {@code OBJECT}, {@code STRING}, {@code nullable}) becomes JSON Schema.
 */
final class GeminiSchemas {
    private static final Set<String> SUBSCHEMA_MAPS =
            Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    private static final Set<String> SUBSCHEMA_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");
    private static final Set<String> SUBSCHEMA_SINGLES = Set.of("items", "additionalProperties", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems",
            "contentSchema");
    private static final Set<String> METADATA = Set.of("$schema", "$id", "$comment");
    private static final Set<String> REF_SIBLINGS = Set.of("description", "default");
    private static final int MAX_REF_EXPANSIONS = 256;

    private GeminiSchemas() {}

    /** A Gemini-acceptable copy of {@code schema}; {@code where} names the field in loss notes. */
    static ObjectNode toGemini(ObjectNode schema, String where, LossReport loss) {
        ObjectNode copy = schema.deepCopy();
        Inliner inliner = new Inliner(copy, where, loss);
        JsonNode inlined = inliner.walk(copy, new ArrayDeque<>());
        ObjectNode result = inlined instanceof ObjectNode o ? o : copy;
        if (inliner.keptRefs) {
            inliner.walkDefinitions(result);
        } else {
            removeEverywhere(result, Set.of("$defs", "definitions"));
        }
        stripMetadata(result, where, loss);
        return result;
    }

    /** A function's parameters must describe an object: an empty or type-less object schema says so explicitly. */
    static ObjectNode toGeminiParameters(ObjectNode schema, String where, LossReport loss) {
        ObjectNode out = toGemini(schema, where, loss);
        if (!out.has("type") && !out.has("$ref") && !out.has("anyOf") && !out.has("oneOf")) {
            out.put("type", "object");
            if (!out.has("properties")) {
                out.putObject("properties");
            }
        }
        return out;
    }

    /** The legacy OpenAPI-subset schema as JSON Schema: lower-case types, {@code nullable} as a null type. */
    static ObjectNode fromOpenApi(ObjectNode schema) {
        ObjectNode copy = schema.deepCopy();
        convertOpenApi(copy);
        return copy;
    }

    private static void convertOpenApi(JsonNode node) {
        if (!(node instanceof ObjectNode obj)) {
            return;
        }
        JsonNode type = obj.get("type");
        if (type != null && type.isTextual()) {
            String t = type.asText().toLowerCase(Locale.ROOT);
            if (t.equals("type_unspecified")) {
                obj.remove("type");
            } else {
                obj.put("type", t);
            }
        }
        JsonNode nullable = obj.get("nullable");
        if (nullable != null && nullable.isBoolean()) {
            obj.remove("nullable");
            if (nullable.asBoolean() && obj.path("type").isTextual()) {
                ArrayNode types = obj.arrayNode();
                types.add(obj.get("type").asText());
                types.add("null");
                obj.set("type", types);
            }
        }
        forEachSubschema(obj, GeminiSchemas::convertOpenApi);
    }

    private interface SubschemaVisitor {
        void visit(JsonNode subschema);
    }

    /** Visits the schema-valued keywords only: property names and enum/default values are data, not keywords. */
    private static void forEachSubschema(ObjectNode schema, SubschemaVisitor visitor) {
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (SUBSCHEMA_MAPS.contains(key) && value.isObject()) {
                value.forEach(visitor::visit);
            } else if (SUBSCHEMA_LISTS.contains(key) && value.isArray()) {
                value.forEach(visitor::visit);
            } else if (SUBSCHEMA_SINGLES.contains(key)) {
                if (value.isArray()) {
                    value.forEach(visitor::visit); // draft-07 tuple items
                } else {
                    visitor.visit(value);
                }
            }
        }
    }

    private static void removeEverywhere(JsonNode node, Set<String> keys) {
        if (!(node instanceof ObjectNode obj)) {
            return;
        }
        obj.remove(keys);
        forEachSubschema(obj, child -> removeEverywhere(child, keys));
    }

    private static void stripMetadata(JsonNode node, String where, LossReport loss) {
        if (!(node instanceof ObjectNode obj)) {
            return;
        }
        for (String key : METADATA) {
            if (obj.remove(key) != null) {
                loss.drop(where + "." + key);
            }
        }
        forEachSubschema(obj, child -> stripMetadata(child, where, loss));
    }

    /** Replaces same-document {@code $ref}s with (copies of) their targets. */
    private static final class Inliner {
        private final ObjectNode root;
        private final String where;
        private final LossReport loss;
        private int budget = MAX_REF_EXPANSIONS;
        boolean keptRefs;

        Inliner(ObjectNode root, String where, LossReport loss) {
            this.root = root;
            this.where = where;
            this.loss = loss;
        }

        JsonNode walk(JsonNode node, Deque<String> stack) {
            if (!(node instanceof ObjectNode obj)) {
                return node;
            }
            JsonNode refNode = obj.get("$ref");
            if (refNode != null && refNode.isTextual()) {
                return inlineRef(obj, refNode.asText(), stack);
            }
            walkChildren(obj, stack);
            return obj;
        }

        /** Definitions kept for cyclic references are sent too, so they must obey the same rules. */
        void walkDefinitions(ObjectNode schema) {
            for (String key : List.of("$defs", "definitions")) {
                if (schema.get(key) instanceof ObjectNode defs) {
                    List<String> names = new ArrayList<>();
                    defs.fieldNames().forEachRemaining(names::add);
                    for (String name : names) {
                        Deque<String> stack = new ArrayDeque<>();
                        stack.push("#/" + key + "/" + name.replace("~", "~0").replace("/", "~1"));
                        defs.set(name, walk(defs.get(name), stack));
                    }
                }
            }
        }

        private void walkChildren(ObjectNode obj, Deque<String> stack) {
            for (Map.Entry<String, JsonNode> e : List.copyOf(obj.properties())) {
                String key = e.getKey();
                JsonNode value = e.getValue();
                if ((key.equals("$defs") || key.equals("definitions")) && obj == root) {
                    continue; // definitions are walked where they are used
                }
                if (SUBSCHEMA_MAPS.contains(key) && value instanceof ObjectNode map) {
                    List<String> names = new ArrayList<>();
                    map.fieldNames().forEachRemaining(names::add);
                    for (String name : names) {
                        map.set(name, walk(map.get(name), stack));
                    }
                } else if ((SUBSCHEMA_LISTS.contains(key) || SUBSCHEMA_SINGLES.contains(key))
                        && value instanceof ArrayNode list) {
                    for (int i = 0; i < list.size(); i++) {
                        list.set(i, walk(list.get(i), stack));
                    }
                } else if (SUBSCHEMA_SINGLES.contains(key)) {
                    obj.set(key, walk(value, stack));
                }
            }
        }

        private JsonNode inlineRef(ObjectNode node, String ref, Deque<String> stack) {
            JsonNode target = resolve(ref);
            if (target == null) {
                node.remove("$ref");
                loss.drop(where + ".$ref");
                walkChildren(node, stack);
                return node;
            }
            if (target == root || stack.contains(ref) || budget <= 0 || !(target instanceof ObjectNode)) {
                keepRef(node);
                return node;
            }
            budget--;
            stack.push(ref);
            JsonNode expanded = walk(target.deepCopy(), stack);
            stack.pop();
            ObjectNode merged = expanded instanceof ObjectNode o ? o : node.objectNode();
            node.remove("$ref");
            walkChildren(node, stack);
            merged.setAll(node); // the referencing node's own keywords apply too, and win
            return merged;
        }

        private void keepRef(ObjectNode node) {
            keptRefs = true;
            Iterator<String> names = node.fieldNames();
            boolean dropped = false;
            while (names.hasNext()) {
                String name = names.next();
                if (!name.startsWith("$") && !REF_SIBLINGS.contains(name)) {
                    names.remove();
                    dropped = true;
                }
            }
            if (dropped) {
                loss.drop(where + ".$ref.siblings");
            }
        }

        /** A same-document JSON pointer ({@code #/$defs/X}); null for external or dangling references. */
        private JsonNode resolve(String ref) {
            if (ref.equals("#")) {
                return root;
            }
            if (!ref.startsWith("#/")) {
                return null;
            }
            JsonNode node = root;
            for (String raw : ref.substring(2).split("/", -1)) {
                String part = raw.replace("~1", "/").replace("~0", "~");
                if (node.isObject()) {
                    node = node.get(part);
                } else if (node.isArray() && part.chars().allMatch(Character::isDigit) && !part.isEmpty()) {
                    node = node.get(Integer.parseInt(part));
                } else {
                    return null;
                }
                if (node == null) {
                    return null;
                }
            }
            return node;
        }
    }
}
