package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.ErrorResponses;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Response helpers of the admin surface: JSON bodies, 204, and errors in the gateway envelope. */
final class Replies {
    static final String JSON_TYPE = "application/json; charset=utf-8";

    private Replies() {}

    static HttpResponse json(int status, JsonNode body) {
        return HttpResponse.buffered(status, Headers.of("content-type", JSON_TYPE, "cache-control", "no-store"),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse ok(JsonNode body) {
        return json(200, body);
    }

    static HttpResponse noContent() {
        return HttpResponse.buffered(204, Headers.of("cache-control", "no-store"), new byte[0]);
    }

    static HttpResponse error(int status, String message) {
        return ErrorResponses.of(status, message, null);
    }

    static HttpResponse methodNotAllowed(Collection<String> allow) {
        HttpResponse r = error(405, "method not allowed");
        r.headers().set("allow", String.join(", ", allow));
        return r;
    }

    /** {@code {"items":[...]}} */
    static ObjectNode items(Collection<? extends JsonNode> items) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode a = root.putArray("items");
        items.forEach(a::add);
        return root;
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
