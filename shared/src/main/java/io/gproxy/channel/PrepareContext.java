package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;

import java.time.Instant;

/**
 * Everything a channel needs to build the upstream request; no I/O happens in {@link Channel#prepare}.
 *
 * @param key           the operation key sent upstream (after any transform)
 * @param providerPath  provider-relative path of the request as the target dialect spells it ({@code /v1/...})
 * @param inboundHeaders the client's headers, for the channel's forward allow-list; auth headers are never forwarded
 * @param body          the provider-native body (model already rewritten); empty for GETs
 * @param secret        the opened credential secret
 * @param settings      the provider's {@code settings_json}
 * @param now           the attempt's time (request signing, e.g. AWS SigV4); prepare reads no clock itself
 */
public record PrepareContext(OperationKey key, boolean stream, String upstreamModel, String providerPath,
                             QueryString query, Headers inboundHeaders, byte[] body, JsonNode secret,
                             ObjectNode settings, Instant now) {

    /** The context at the current time. */
    public PrepareContext(OperationKey key, boolean stream, String upstreamModel, String providerPath,
                          QueryString query, Headers inboundHeaders, byte[] body, JsonNode secret, ObjectNode settings) {
        this(key, stream, upstreamModel, providerPath, query, inboundHeaders, body, secret, settings, Instant.now());
    }

    public PrepareContext withBody(byte[] newBody) {
        return new PrepareContext(key, stream, upstreamModel, providerPath, query, inboundHeaders, newBody, secret,
                settings, now);
    }

    public PrepareContext withPath(String path, QueryString newQuery) {
        return new PrepareContext(key, stream, upstreamModel, path, newQuery, inboundHeaders, body, secret, settings, now);
    }

    public boolean hasBody() {
        return body != null && body.length > 0;
    }

    /** A text setting, trimmed, or null when absent or blank. */
    public String setting(String name) {
        JsonNode v = settings == null ? null : settings.get(name);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue().trim() : null;
    }

    /** A text field of the secret, trimmed, or null when absent or blank. */
    public String secretField(String name) {
        JsonNode v = secret == null ? null : secret.get(name);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue().trim() : null;
    }
}
