package io.gproxy.pipeline;

import io.gproxy.http.Headers;

import java.io.InputStream;

/** An upstream answer whose headers have arrived; the body is still on the wire. */
public record UpstreamResponse(int status, Headers headers, InputStream body) {
}
