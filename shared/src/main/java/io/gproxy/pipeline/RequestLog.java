package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;

/**
 * One JSON line per request (DESIGN §8) that is also a CloudWatch Embedded Metric Format document, so CloudWatch
 * turns the same line into metrics (requests, errors, latency, gateway overhead) by route and by provider without a
 * second write. Never bodies, keys or secrets: only fields set through the typed setters below reach the line.
 *
 * <p>{@code upstream_ms} is the time spent waiting on upstreams: from sending to the headers for streams, to the
 * last byte for buffered answers, summed over attempts. {@code overhead_ms} is the gateway's own time up to the
 * moment the response was handed to the transport, i.e. that minus {@code upstream_ms}.
 */
public final class RequestLog {
    public static final String NAMESPACE = "gproxy";

    private final ObjectNode line = JsonNodeFactory.instance.objectNode();
    private final long startNanos = System.nanoTime();
    private long upstreamNanos;
    private long upstreamStartedAt;
    private long handedOverAt;
    private String route = "-";
    private String provider = "-";
    private final String requestId;
    private io.gproxy.transform.ir.Usage reported = io.gproxy.transform.ir.Usage.EMPTY;
    private volatile RequestCapture capture = RequestCapture.OFF;

    public RequestLog(String requestId, String method, String path) {
        this.requestId = requestId;
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

    public RequestLog model(String requested, String routeName) {
        line.put("model", requested);
        if (routeName != null) {
            line.put("route", routeName);
            route = routeName;
        }
        return this;
    }

    public void upstreamStarted() {
        upstreamStartedAt = System.nanoTime();
    }

    public void upstreamAnswered() {
        if (upstreamStartedAt != 0) {
            upstreamNanos += System.nanoTime() - upstreamStartedAt;
            upstreamStartedAt = 0;
        }
    }

    public RequestLog attempt(String providerName, long credentialId, String upstreamModel, int status) {
        line.put("provider", providerName);
        provider = providerName;
        line.put("credential_id", credentialId);
        line.put("upstream_model", upstreamModel);
        line.put("upstream_status", status);
        line.put("attempts", line.path("attempts").asInt(0) + 1);
        return this;
    }

    /** Tokens the upstream reported (unknown fields stay out of the line and its metrics). */
    public synchronized RequestLog usage(io.gproxy.transform.ir.Usage usage) {
        if (usage == null || usage.isEmpty()) {
            return this;
        }
        reported = reported.merge(usage);
        putIfKnown("input_tokens", usage.inputTokens());
        putIfKnown("output_tokens", usage.outputTokens());
        putIfKnown("cache_read_tokens", usage.cacheReadTokens());
        putIfKnown("cache_creation_5m_tokens", usage.cacheCreation5mTokens());
        putIfKnown("cache_creation_1h_tokens", usage.cacheCreation1hTokens());
        putIfKnown("reasoning_tokens", usage.reasoningTokens());
        return this;
    }

    /** The request's capture (issue 5); {@link RequestCapture#OFF} unless the instance settings switch it on. */
    public RequestLog capture(RequestCapture capture) {
        this.capture = capture;
        return this;
    }

    public RequestCapture capture() {
        return capture;
    }

    /** Milliseconds since the request arrived. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public String requestId() {
        return requestId;
    }

    /** The usage the upstream reported so far (billing reads it at settlement; empty when none). */
    public synchronized io.gproxy.transform.ir.Usage reportedUsage() {
        return reported;
    }

    /** What the request was billed (billing, issue 6). */
    public synchronized RequestLog billed(String costUsd, String usageSource, String ended) {
        line.put("cost_usd", costUsd);
        line.put("usage_source", usageSource);
        line.put("ended", ended);
        return this;
    }

    private void putIfKnown(String field, Long value) {
        if (value != null) {
            line.put(field, value);
        }
    }

    public RequestLog error(String message) {
        line.put("error", message);
        return this;
    }

    /** The response (or a stream's headers) went to the transport: the gateway's own work is done. */
    public void handedOver() {
        if (handedOverAt == 0) {
            handedOverAt = System.nanoTime();
        }
    }

    /**
     * The client's stream was started with keepalives before the answer was ready ({@link SlowStart}): the gateway's
     * own work ends when the answer is handed over now, not when the keepalives began.
     */
    public synchronized void startedBeforeAnswer() {
        line.put("started_before_answer", true);
        handedOverAt = System.nanoTime();
    }

    public synchronized void finish(int status, PrintStream out) {
        handedOver();
        long now = System.nanoTime();
        double latencyMs = (now - startNanos) / 1e6;
        double upstreamMs = upstreamNanos / 1e6;
        double overheadMs = Math.max(0, (handedOverAt - startNanos - upstreamNanos) / 1e6);
        line.put("status", status);
        line.put("latency_ms", round(latencyMs));
        line.put("upstream_ms", round(upstreamMs));
        line.put("overhead_ms", round(overheadMs));
        addMetrics(status, latencyMs, overheadMs);
        out.println(line.toString());
    }

    private void addMetrics(int status, double latencyMs, double overheadMs) {
        line.put("Route", route);
        line.put("Provider", provider);
        line.put("Requests", 1);
        line.put("Errors", status >= 500 ? 1 : 0);
        line.put("ClientErrors", status >= 400 && status < 500 ? 1 : 0);
        line.put("Latency", round(latencyMs));
        line.put("Overhead", round(overheadMs));
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", System.currentTimeMillis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dims = directive.putArray("Dimensions");
        dims.addArray().add("Route");
        dims.addArray().add("Provider");
        dims.addArray();
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", "Requests").put("Unit", "Count");
        metrics.addObject().put("Name", "Errors").put("Unit", "Count");
        metrics.addObject().put("Name", "ClientErrors").put("Unit", "Count");
        metrics.addObject().put("Name", "Latency").put("Unit", "Milliseconds");
        metrics.addObject().put("Name", "Overhead").put("Unit", "Milliseconds");
        if (line.has("input_tokens")) {
            line.put("InputTokens", line.get("input_tokens").asLong());
            metrics.addObject().put("Name", "InputTokens").put("Unit", "Count");
        }
        if (line.has("output_tokens")) {
            line.put("OutputTokens", line.get("output_tokens").asLong());
            metrics.addObject().put("Name", "OutputTokens").put("Unit", "Count");
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
