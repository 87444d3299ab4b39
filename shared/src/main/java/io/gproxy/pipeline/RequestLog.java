package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;

/**
 * One JSON line per request (DESIGN §8): ids, who, where, outcome and timings. Never bodies, keys or secrets:
 * only fields set through the typed setters below reach the line.
 */
public final class RequestLog {
    private final ObjectNode line = JsonNodeFactory.instance.objectNode();
    private final long startNanos = System.nanoTime();

    public RequestLog(String requestId, String method, String path) {
        line.put("type", "request");
        line.put("request_id", requestId);
        line.put("method", method);
        line.put("path", path);
    }

    public RequestLog operation(String op, String kind, boolean stream) {
        line.put("operation", op);
        line.put("kind", kind);
        line.put("stream", stream);
        return this;
    }

    public RequestLog user(long userId, long keyId) {
        line.put("user_id", userId);
        line.put("user_key_id", keyId);
        return this;
    }

    public RequestLog model(String requested, String route) {
        line.put("model", requested);
        if (route != null) {
            line.put("route", route);
        }
        return this;
    }

    public RequestLog attempt(String provider, long credentialId, String upstreamModel, int status, long upstreamMillis) {
        line.put("provider", provider);
        line.put("credential_id", credentialId);
        line.put("upstream_model", upstreamModel);
        line.put("upstream_status", status);
        line.put("upstream_ms", upstreamMillis);
        line.put("attempts", line.path("attempts").asInt(0) + 1);
        return this;
    }

    public RequestLog error(String message) {
        line.put("error", message);
        return this;
    }

    public void finish(int status, PrintStream out) {
        line.put("status", status);
        line.put("latency_ms", (System.nanoTime() - startNanos) / 1_000_000);
        out.println(line.toString());
    }
}
