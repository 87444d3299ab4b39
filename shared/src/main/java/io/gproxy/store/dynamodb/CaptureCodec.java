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

    /** Room for the document in a 400 KB item, with the keys and attributes around it. */
    static final int MAX_DOC_BYTES = 380_000;

    private CaptureCodec() {}

    /**
     * A whole capture as one document. When it would not fit an item, every body is cut to a shorter bound (and
     * marked) until it does: the attempts and their dispositions always survive, bodies are what gives.
     */
    static String capture(CaptureStore.Capture c) {
        for (int bound : new int[]{Integer.MAX_VALUE, 32 * 1024, 16 * 1024, 4 * 1024, 1024, 0}) {
            ObjectNode o = MAPPER.createObjectNode();
            o.put("request_id", c.requestId());
            o.put("at", c.at().toString());
            if (c.downstream() != null) {
                o.set("downstream", parse(downstream(cut(c.downstream(), bound))));
            }
            var ups = o.putArray("upstream");
            for (CaptureStore.Upstream u : c.upstream()) {
                ups.add(parse(upstream(cut(u, bound))));
            }
            String doc = o.toString();
            if (doc.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_DOC_BYTES) {
                return doc;
            }
        }
        throw new IllegalStateException("capture does not fit an item even without bodies");
    }

    static CaptureStore.Capture capture(String json) {
        JsonNode o = parse(json);
        java.util.List<CaptureStore.Upstream> ups = new java.util.ArrayList<>();
        o.path("upstream").forEach(u -> ups.add(upstream(u.toString())));
        JsonNode down = o.get("downstream");
        return new CaptureStore.Capture(o.path("request_id").asText(), Instant.parse(o.path("at").asText()),
                down == null || down.isNull() ? null : downstream(down.toString()), java.util.List.copyOf(ups));
    }

    private static CaptureStore.Downstream cut(CaptureStore.Downstream d, int bound) {
        return new CaptureStore.Downstream(d.at(), d.method(), d.path(), d.query(), d.status(), d.requestHeaders(),
                cut(d.requestBody(), bound), cut(d.responseBody(), bound), d.latencyMs());
    }

    private static CaptureStore.Upstream cut(CaptureStore.Upstream u, int bound) {
        return new CaptureStore.Upstream(u.attempt(), u.at(), u.providerId(), u.provider(), u.credentialId(), u.model(),
                u.method(), u.url(), u.status(), u.latencyMs(), u.disposition(), u.reason(), u.requestHeaders(),
                cut(u.requestBody(), bound), cut(u.responseBody(), bound));
    }

    private static String cut(String body, int bound) {
        if (body == null || body.length() <= bound) {
            return body;
        }
        return body.substring(0, bound) + "\n[... cut to fit the capture item]";
    }

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
