package io.gproxy.channel;

import io.gproxy.http.Headers;

import java.net.URI;

/** A fully prepared upstream call: absolute URL, auth injected, allow-listed headers only. */
public record UpstreamRequest(String method, URI uri, Headers headers, byte[] body) {
}
