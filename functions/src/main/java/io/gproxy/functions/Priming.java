package io.gproxy.functions;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.RequestHandler;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.RequestClassifier;
import io.gproxy.protocol.sse.SseDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Work done before a SnapStart checkpoint so the restored function starts warm: load and JIT the request path's
 * classes without any network call, secret, id or randomness ending up in the snapshot. A request to a path no
 * function serves runs routing, error rendering and JSON; classification and SSE parsing run on samples.
 */
final class Priming {
    private static final String[] SAMPLE_PATHS = {
            "/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1beta/models/m:streamGenerateContent",
            "/v1/models", "/v1/messages/count_tokens", "/v1/embeddings", "/openai/v1/chat/completions"};

    private Priming() {}

    static void prime(RequestHandler handler) {
        io.gproxy.transform.ops.TokenCounter.prime(); // token encodings load in 100-250 ms: better in the snapshot
        for (int i = 0; i < 200; i++) {
            handler.handle(HttpRequest.of("POST", "/__priming__/not-a-route", new Headers(), new byte[0]));
            for (String path : SAMPLE_PATHS) {
                try {
                    RequestClassifier.matchPath("POST", path, Headers.of("authorization", "Bearer x"));
                } catch (Exception ignored) {
                    // GET-only paths do not match a POST: fine, the classes are loaded either way
                }
            }
            try {
                Json.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"
                        .getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            new SseDecoder().feed("event: x\ndata: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
