package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One input of a console form: a secret field of a credential kind, or a provider setting.
 *
 * @param type         {@code string}, {@code secret} (masked, never echoed back), {@code text} (multi-line, e.g. a
 *                     PEM key), {@code bool}, {@code url}, {@code json}
 * @param defaultValue shown as the placeholder / initial value; null for none
 */
public record FormField(String name, String label, String type, boolean required, String help, String defaultValue) {

    public static FormField secret(String name, String label, boolean required) {
        return new FormField(name, label, "secret", required, null, null);
    }

    public static FormField string(String name, String label, boolean required, String help) {
        return new FormField(name, label, "string", required, help, null);
    }

    public static FormField url(String name, String label, boolean required, String defaultValue) {
        return new FormField(name, label, "url", required, null, defaultValue);
    }

    public FormField withDefault(String value) {
        return new FormField(name, label, type, required, help, value);
    }

    public FormField withHelp(String text) {
        return new FormField(name, label, type, required, text, defaultValue);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", name).put("label", label).put("type", type).put("required", required);
        if (help != null) {
            n.put("help", help);
        }
        if (defaultValue != null) {
            n.put("default", defaultValue);
        }
        return n;
    }
}
