package io.gproxy.pipeline;

/**
 * A gateway-generated error (spec/surface.md §2.5): becomes {@code {"error":{"message","type":"gproxy_error"}}}
 * with its status. Messages are safe to show a client: no secrets, no upstream detail behind a 502.
 */
public final class GatewayError extends Exception {
    private final int status;
    private final Long retryAfterSeconds;

    public GatewayError(int status, String message) {
        this(status, message, null);
    }

    public GatewayError(int status, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static GatewayError unauthorized() {
        return new GatewayError(401, "unauthorized");
    }

    public static GatewayError unknownRoute(String name) {
        return new GatewayError(404, "unknown route: " + name);
    }

    public static GatewayError unknownProvider(String name) {
        return new GatewayError(404, "unknown provider: " + name);
    }

    public static GatewayError unsupportedPath() {
        return new GatewayError(404, "unsupported path");
    }

    public static GatewayError badRequest(String message) {
        return new GatewayError(400, message);
    }

    public static GatewayError payloadTooLarge() {
        return new GatewayError(413, "request body too large");
    }

    public static GatewayError upstreamFailed() {
        return new GatewayError(502, "upstream request failed");
    }
}
