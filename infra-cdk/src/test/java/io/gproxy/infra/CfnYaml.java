package io.gproxy.infra;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a CloudFormation/SAM YAML template keeping its short-form intrinsics: a plain ObjectMapper drops the tags
 * ({@code !Ref X} would read as {@code "X"}), so this walks the YAMLParser and turns each tag into the long form
 * ({@code {"Ref": "X"}}, {@code {"Fn::GetAtt": ["A", "B"]}}, {@code {"Fn::Sub": ...}}, ...). spec/aws.md B7.
 */
final class CfnYaml {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private CfnYaml() {}

    static JsonNode read(Path file) throws IOException {
        try (YAMLParser p = new YAMLFactory().createParser(file.toFile())) {
            if (p.nextToken() == null) {
                throw new IOException("empty template " + file);
            }
            return node(p);
        }
    }

    private static JsonNode node(YAMLParser p) throws IOException {
        String tag = tag(p);
        JsonToken t = p.currentToken();
        JsonNode value;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = F.objectNode();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    if (o.has(name)) {
                        throw new IOException("duplicate key " + name + " at " + p.currentLocation());
                    }
                    o.set(name, node(p));
                }
                value = o;
            }
            case START_ARRAY -> {
                ArrayNode a = F.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(node(p));
                }
                value = a;
            }
            case VALUE_STRING -> value = F.textNode(p.getText());
            case VALUE_NUMBER_INT -> value = F.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> value = F.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> value = F.booleanNode(true);
            case VALUE_FALSE -> value = F.booleanNode(false);
            case VALUE_NULL -> value = F.nullNode();
            default -> throw new IOException("unexpected " + t + " at " + p.currentLocation());
        }
        return tag == null ? value : intrinsic(tag, value);
    }

    private static String tag(YAMLParser p) throws IOException {
        String tag = p.getTypeId();
        if (tag == null || tag.startsWith("tag:yaml.org,2002:")) {
            return null;
        }
        return tag.startsWith("!") ? tag.substring(1) : tag;
    }

    private static JsonNode intrinsic(String tag, JsonNode value) {
        ObjectNode o = F.objectNode();
        switch (tag) {
            case "Ref" -> o.set("Ref", value);
            case "Condition" -> o.set("Condition", value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    String s = value.textValue();
                    int dot = s.indexOf('.');
                    ArrayNode a = F.arrayNode();
                    a.add(dot < 0 ? s : s.substring(0, dot));
                    a.add(dot < 0 ? "" : s.substring(dot + 1));
                    o.set("Fn::GetAtt", a);
                } else {
                    o.set("Fn::GetAtt", value);
                }
            }
            default -> o.set("Fn::" + tag, value);
        }
        return o;
    }

    /** Calls {@code visitor} on every object node in the tree (depth first). */
    static void forEachObject(JsonNode node, Consumer<JsonNode> visitor) {
        if (node.isObject()) {
            visitor.accept(node);
            node.elements().forEachRemaining(child -> forEachObject(child, visitor));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> forEachObject(child, visitor));
        }
    }

    /** The names a Fn::Sub string refers to ({@code ${X}}, {@code ${X.Attr}}; {@code ${!literal}} excluded). */
    static List<String> subVariables(String template) {
        List<String> out = new ArrayList<>();
        Matcher m = SUB_VARIABLE.matcher(template);
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }
}
