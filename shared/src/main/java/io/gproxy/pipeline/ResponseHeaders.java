package io.gproxy.pipeline;

import io.gproxy.http.Headers;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which upstream response headers reach the client: content type, retry hints, request ids and the providers'
 * rate-limit headers. Hop-by-hop headers, lengths (the body may be re-framed), cookies and anything else stay behind.
 */
final class ResponseHeaders {
    private ResponseHeaders() {}

    static Headers fromUpstream(Headers upstream, boolean streaming) {
        Headers out = new Headers();
        for (Map.Entry<String, List<String>> e : upstream.asMap().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (passes(name)) {
                e.getValue().forEach(v -> out.add(name, v));
            }
        }
        if (streaming) {
            out.set("cache-control", "no-cache");
            out.set("x-accel-buffering", "no");
        }
        return out;
    }

    private static boolean passes(String name) {
        return name.equals("content-type") || name.equals("retry-after") || name.equals("request-id")
                || name.equals("x-request-id") || name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-")
                || name.equals("openai-processing-ms") || name.equals("openai-version");
    }
}
