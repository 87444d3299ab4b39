package io.gproxy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Dot paths over JSON ({@code generationConfig.temperature}, {@code messages.0.content}; numeric segments index
 * arrays, {@code *} in {@link #findStrings} matches every field or element). Edits throw {@link RuleException} when
 * the path does not fit the document, so the rule is skipped instead of corrupting the body.
 */
final class JsonPath {
    private JsonPath() {}

    static void set(ObjectNode root, String path, JsonNode value) {
        String[] seg = split(path);
        JsonNode parent = walkCreating(root, seg);
        String last = seg[seg.length - 1];
        if (parent instanceof ObjectNode o) {
            o.set(last, value.deepCopy());
        } else if (parent instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) < a.size()) {
            a.set(Integer.parseInt(last), value.deepCopy());
        } else if (parent instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) == a.size()) {
            a.add(value.deepCopy());
        } else {
            throw new RuleException("path " + path + " does not fit the body");
        }
    }

    static void delete(ObjectNode root, String path) {
        String[] seg = split(path);
        JsonNode parent = walk(root, seg, seg.length - 1);
        String last = seg[seg.length - 1];
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) < a.size()) {
            a.remove(Integer.parseInt(last));
        }
        // absent already: nothing to delete
    }

    /** Merges an object into the object at {@code path} (created when absent); nested objects merge too. */
    static void merge(ObjectNode root, String path, JsonNode value) {
        if (!value.isObject()) {
            throw new RuleException("merge needs an object value");
        }
        JsonNode target = path == null || path.isEmpty() ? root : walk(root, split(path), split(path).length);
        if (target == null || target.isMissingNode() || target.isNull()) {
            set(root, path, value);
            return;
        }
        if (!(target instanceof ObjectNode o)) {
            throw new RuleException("path " + path + " is not an object");
        }
        mergeInto(o, (ObjectNode) value);
    }

    private static void mergeInto(ObjectNode target, ObjectNode value) {
        value.fields().forEachRemaining(e -> {
            JsonNode existing = target.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
                mergeInto(eo, vo);
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /** Every string value at the path, with a setter to replace it. */
    record Slot(JsonNode parent, String field, int index) {
        String get() {
            return parent instanceof ObjectNode o ? o.get(field).asText() : parent.get(index).asText();
        }

        void put(String s) {
            if (parent instanceof ObjectNode o) {
                o.put(field, s);
            } else {
                ((ArrayNode) parent).set(index, ((ArrayNode) parent).textNode(s));
            }
        }
    }

    static List<Slot> findStrings(JsonNode root, String path) {
        List<Slot> out = new ArrayList<>();
        find(root, split(path), 0, null, null, -1, out);
        return out;
    }

    private static void find(JsonNode node, String[] seg, int i, JsonNode parent, String field, int index, List<Slot> out) {
        if (node == null) {
            return;
        }
        if (i == seg.length) {
            if (node.isTextual() && parent != null) {
                out.add(new Slot(parent, field, index));
            }
            return;
        }
        String s = seg[i];
        if (node instanceof ObjectNode o) {
            if (s.equals("*")) {
                o.fieldNames().forEachRemaining(n -> find(o.get(n), seg, i + 1, o, n, -1, out));
            } else {
                find(o.get(s), seg, i + 1, o, s, -1, out);
            }
        } else if (node instanceof ArrayNode a) {
            if (s.equals("*")) {
                for (int k = 0; k < a.size(); k++) {
                    find(a.get(k), seg, i + 1, a, null, k, out);
                }
            } else if (isIndex(s) && Integer.parseInt(s) < a.size()) {
                find(a.get(Integer.parseInt(s)), seg, i + 1, a, null, Integer.parseInt(s), out);
            }
        }
    }

    private static JsonNode walk(JsonNode root, String[] seg, int upTo) {
        JsonNode n = root;
        for (int i = 0; i < upTo && n != null; i++) {
            n = n.isArray() && isIndex(seg[i]) ? n.get(Integer.parseInt(seg[i])) : n.get(seg[i]);
        }
        return n;
    }

    private static JsonNode walkCreating(ObjectNode root, String[] seg) {
        JsonNode n = root;
        for (int i = 0; i < seg.length - 1; i++) {
            JsonNode next = n.isArray() && isIndex(seg[i]) ? n.get(Integer.parseInt(seg[i])) : n.get(seg[i]);
            if (next == null || next.isNull()) {
                if (!(n instanceof ObjectNode o)) {
                    throw new RuleException("path does not fit the body at " + seg[i]);
                }
                next = isIndex(seg[i + 1]) ? o.putArray(seg[i]) : o.putObject(seg[i]);
            }
            n = next;
        }
        return n;
    }

    private static boolean isIndex(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 9;
    }

    private static String[] split(String path) {
        if (path == null || path.isBlank()) {
            throw new RuleException("empty path");
        }
        return path.split("\\.");
    }
}
