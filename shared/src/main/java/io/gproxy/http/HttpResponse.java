package io.gproxy.http;

import java.nio.charset.StandardCharsets;

/**
 * A transport-neutral response: either a buffered body or a {@link StreamingBody}. Exactly one of
 * {@code body} and {@code stream} is non-null.
 */
public final class HttpResponse {
    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final StreamingBody stream;

    private HttpResponse(int status, Headers headers, byte[] body, StreamingBody stream) {
        this.status = status;
        this.headers = headers == null ? new Headers() : headers;
        this.body = body;
        this.stream = stream;
    }

    public static HttpResponse buffered(int status, Headers headers, byte[] body) {
        return new HttpResponse(status, headers, body == null ? new byte[0] : body, null);
    }

    public static HttpResponse json(int status, String json) {
        return buffered(status, Headers.of("content-type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse streaming(int status, Headers headers, StreamingBody stream) {
        return new HttpResponse(status, headers, null, stream);
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    public boolean isStreaming() {
        return stream != null;
    }

    /** The buffered body; empty for a streaming response. */
    public byte[] body() {
        return body == null ? new byte[0] : body;
    }

    public StreamingBody stream() {
        return stream;
    }
}
