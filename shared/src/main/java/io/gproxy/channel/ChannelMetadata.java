package io.gproxy.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.ProtocolFamily;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the console needs to render a channel (spec/core.md §3.1 {@code metadata()}), served by
 * {@code GET /admin/channels}: display name, native family, the credential kinds with their secret fields, the
 * provider settings, login modes and whether the channel has an account-usage endpoint.
 *
 * @param family     the family its own API speaks (its model list is read in this family)
 * @param loginModes {@code authcode}, {@code device}, {@code cookie}; empty for API-key channels
 */
public record ChannelMetadata(String id, String displayName, ProtocolFamily family, String defaultBaseUrl,
                              List<CredentialKind> credentialKinds, List<FormField> settings, List<String> loginModes,
                              boolean usage) {

    /** Settings every HTTP channel understands (spec/core.md §3.3, §3.8). */
    public static List<FormField> commonSettings(String defaultBaseUrl) {
        List<FormField> out = new ArrayList<>();
        out.add(FormField.url("base_url", "Base URL", defaultBaseUrl == null, defaultBaseUrl));
        out.add(new FormField("endpoints", "Exact endpoint overrides", "json", false,
                "endpoint key -> complete URL; {model} is replaced by the upstream model", null));
        out.add(new FormField("forward_headers", "Extra headers to forward", "json", false,
                "array of inbound header names passed upstream (auth headers and cookies never pass)", null));
        return out;
    }

    /** The operation keys a channel serves natively: passthrough cells and transform destinations of its defaults. */
    public static Set<OperationKey> nativeKeys(RoutingTable table) {
        Set<OperationKey> out = new LinkedHashSet<>();
        for (Map.Entry<OperationKey, RoutingDecision> e : table.cells().entrySet()) {
            switch (e.getValue().implementation()) {
                case PASSTHROUGH -> out.add(e.getKey());
                case TRANSFORM_TO -> out.add(e.getValue().destination());
                default -> {
                }
            }
        }
        return out;
    }

    public ObjectNode toJson(RoutingTable defaults) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id).put("display_name", displayName).put("family", family.name().toLowerCase());
        if (defaultBaseUrl != null) {
            n.put("default_base_url", defaultBaseUrl);
        } else {
            n.putNull("default_base_url");
        }
        ArrayNode kinds = n.putArray("credential_kinds");
        credentialKinds.forEach(k -> kinds.add(k.toJson()));
        if (!credentialKinds.isEmpty()) {
            n.set("secret_template", credentialKinds.get(0).secretTemplate());
        }
        ArrayNode s = n.putArray("settings");
        settings.forEach(f -> s.add(f.toJson()));
        ArrayNode l = n.putArray("login_modes");
        loginModes.forEach(l::add);
        n.put("usage", usage);
        ArrayNode ek = n.putArray("endpoint_kinds");
        nativeKeys(defaults).forEach(k -> ek.add(k.toString()));
        return n;
    }
}
