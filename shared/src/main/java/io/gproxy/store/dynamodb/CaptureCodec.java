package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.CaptureStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Capture records to and from the JSON string kept in an item's {@code doc} (field names as the admin API shows). */
final class CaptureCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CaptureCodec() {}

    static String downstream(CaptureStore.Downstream d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("at", d.at().toString());
        o.put("method", d.method());
        o.put("path", d.path());
        o.put("query", d.query());
        o.put("status", d.status());
        o.put("headers", d.requestHeaders());
        o.put("body", d.requestBody());
        o.put("response_body", d.responseBody());
        o.put("latency_ms", d.latencyMs());
        return o.toString();
    }

    static CaptureStore.Downstream downstream(String json) {
        JsonNode o = parse(json);
        return new CaptureStore.Downstream(Instant.parse(o.path("at").asText()), text(o, "method"), text(o, "path"),
                text(o, "query"), o.path("status").asInt(), text(o, "headers"), text(o, "body"),
                text(o, "response_body"), o.path("latency_ms").asLong());
    }

    static String upstream(CaptureStore.Upstream u) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("attempt", u.attempt());
        o.put("at", u.at().toString());
        o.put("provider_id", u.providerId());
        o.put("provider", u.provider());
        o.put("credential_id", u.credentialId());
        o.put("model", u.model());
        o.put("method", u.method());
        o.put("url", u.url());
        o.put("status", u.status());
        o.put("latency_ms", u.latencyMs());
        o.put("disposition", u.disposition());
        o.put("reason", u.reason());
        o.put("headers", u.requestHeaders());
        o.put("body", u.requestBody());
        o.put("response_body", u.responseBody());
        return o.toString();
    }

    static CaptureStore.Upstream upstream(String json) {
        JsonNode o = parse(json);
        return new CaptureStore.Upstream(o.path("attempt").asInt(), Instant.parse(o.path("at").asText()),
                o.path("provider_id").asLong(), text(o, "provider"), o.path("credential_id").asLong(), text(o, "model"),
                text(o, "method"), text(o, "url"), o.path("status").asInt(), o.path("latency_ms").asLong(),
                text(o, "disposition"), text(o, "reason"), text(o, "headers"), text(o, "body"),
                text(o, "response_body"));
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
