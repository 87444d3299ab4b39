package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A kind of credential a channel accepts (the credential row's {@code kind}) and the {@code secret_json} fields it
 * holds. {@code api_key} is the default kind; login flows write {@code oauth}; other kinds are free-form
 * ({@code service_account}, {@code aws_sigv4}).
 */
public record CredentialKind(String kind, String label, List<FormField> fields) {

    public static final CredentialKind API_KEY = new CredentialKind("api_key", "API key",
            List.of(FormField.secret("api_key", "API key", true)));

    /** The console's {@code secret_template}: every field with an empty value. */
    public ObjectNode secretTemplate() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        fields.forEach(f -> n.put(f.name(), ""));
        return n;
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("kind", kind).put("label", label);
        ArrayNode a = n.putArray("fields");
        fields.forEach(f -> a.add(f.toJson()));
        n.set("secret_template", secretTemplate());
        return n;
    }
}
