package io.gproxy.tests.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request as the mock saw it on the wire.
 *
 * @param path    the RAW (still percent-encoded) request path, e.g. {@code /v1beta/models/a%2Fb:generateContent},
 *                so tests can assert exactly what a client or the gateway sent.
 * @param rawQuery the raw query string without '?', or null.
 * @param headers header names lower-cased; values in arrival order.
 */
public record RecordedRequest(String method, String path, String rawQuery,
                              Map<String, List<String>> headers, String body) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** First value of the header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** First value of a query parameter, percent-decoded, or null. */
    public String query(String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /** The body parsed as JSON (MissingNode when empty); throws UncheckedIOException if it is not JSON. */
    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("request body is not JSON: " + body, e);
        }
    }

    static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
