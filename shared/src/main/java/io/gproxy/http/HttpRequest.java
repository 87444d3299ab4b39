package io.gproxy.http;

import java.util.Objects;

/**
 * A transport-neutral inbound request. The body is buffered (clients send bounded JSON; the gateway needs it
 * whole for classification and failover replay). Built by the local server and by the Lambda event adapters.
 *
 * @param rawPath the path as sent, still percent-encoded
 * @param remoteAddress the client address as the transport saw it (may be null)
 */
public record HttpRequest(String method, String rawPath, QueryString query, Headers headers, byte[] body,
                          String remoteAddress) {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        query = query == null ? QueryString.empty() : query;
        headers = headers == null ? new Headers() : headers;
        body = body == null ? new byte[0] : body;
    }

    public static HttpRequest of(String method, String pathAndQuery, Headers headers, byte[] body) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        QueryString query = q < 0 ? QueryString.empty() : QueryString.parse(pathAndQuery.substring(q + 1));
        return new HttpRequest(method, path, query, headers, body, null);
    }
}
