package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;

import java.nio.charset.StandardCharsets;

/** Renders gateway errors in the one envelope every protocol gets (spec/surface.md §2.5). */
public final class ErrorResponses {
    private ErrorResponses() {}

    public static HttpResponse of(GatewayError e) {
        return of(e.status(), e.getMessage(), e.retryAfterSeconds());
    }

    public static HttpResponse of(int status, String message, Long retryAfterSeconds) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", "gproxy_error");
        Headers h = Headers.of("content-type", "application/json");
        if (retryAfterSeconds != null) {
            h.set("retry-after", Long.toString(retryAfterSeconds));
        }
        return HttpResponse.buffered(status, h, root.toString().getBytes(StandardCharsets.UTF_8));
    }
}
