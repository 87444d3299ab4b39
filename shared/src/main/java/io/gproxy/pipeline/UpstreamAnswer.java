package io.gproxy.pipeline;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A fully read upstream answer, relayed as it stands (status, sanitised headers, body). */
record UpstreamAnswer(int status, Headers headers, byte[] body) {

    /** An answer whose body is already in memory (read by {@link #buffer(UpstreamResponse, long)} before). */
    static UpstreamAnswer buffer(UpstreamResponse response) throws GatewayError {
        try (InputStream in = response.body()) {
            return new UpstreamAnswer(response.status(), ResponseHeaders.fromUpstream(response.headers(), false), in.readAllBytes());
        } catch (IOException e) {
            throw GatewayError.upstreamFailed();
        }
    }

    /**
     * The answer read from the wire, complete by {@code deadlineNanos} ({@link BoundedBody}).
     *
     * @throws IOException the body broke or did not arrive in time: a failed attempt
     */
    static UpstreamAnswer buffer(UpstreamResponse response, long deadlineNanos) throws IOException {
        return new UpstreamAnswer(response.status(), ResponseHeaders.fromUpstream(response.headers(), false),
                BoundedBody.readAll(response.body(), deadlineNanos));
    }

    /**
     * The answer with every secret of the credential that was sent (its string fields of 8 characters or more: API
     * keys, access and refresh tokens) replaced by {@code [redacted]}, in the body and the relayed headers. Upstream
     * errors may quote what they were sent ("Incorrect API key provided: sk-..."), and error bodies are relayed.
     */
    UpstreamAnswer redact(JsonNode secret) {
        List<String> secrets = new ArrayList<>();
        collect(secret, secrets);
        if (secrets.isEmpty()) {
            return this;
        }
        // byte-exact: ISO-8859-1 maps each byte to one char, so a body that is not UTF-8 comes back unchanged
        String text = body == null ? "" : new String(body, StandardCharsets.ISO_8859_1);
        Headers h = headers.copy();
        for (String s : secrets) {
            String latin = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            text = text.replace(latin, REDACTED);
            for (Map.Entry<String, List<String>> e : headers.asMap().entrySet()) {
                if (e.getValue().stream().anyMatch(v -> v.contains(s))) {
                    h.remove(e.getKey());
                    e.getValue().forEach(v -> h.add(e.getKey(), v.replace(s, REDACTED)));
                }
            }
        }
        return new UpstreamAnswer(status, h, body == null ? null : text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final String REDACTED = "[redacted]";

    private static void collect(JsonNode node, List<String> out) {
        if (node == null) {
            return;
        }
        if (node.isTextual() && node.textValue().length() >= 8) {
            out.add(node.textValue());
        }
        node.elements().forEachRemaining(child -> collect(child, out));
    }

    HttpResponse toResponse() {
        return HttpResponse.buffered(status, headers.copy(), body == null ? new byte[0] : body);
    }
}
