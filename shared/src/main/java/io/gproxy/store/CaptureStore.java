package io.gproxy.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Captured request logs (spec/core.md §12; the reference's {@code downstream_requests} and {@code upstream_requests}):
 * what the client sent and got, and every upstream attempt with its disposition. Written once per request after the
 * last byte, already redacted and bounded by the pipeline; kept for the retention days. Read by the admin API.
 */
public interface CaptureStore {

    /** The client's side of a request; bodies and headers as the instance settings allowed (null when off). */
    record Downstream(Instant at, String method, String path, String query, int status, String requestHeaders,
                      String requestBody, String responseBody, long latencyMs) {
    }

    /**
     * One upstream attempt.
     *
     * @param disposition {@code success}, {@code permanent}, {@code rate_limited}, {@code auth_dead},
     *                    {@code transient}, {@code transport_error}, {@code skipped} ...
     * @param reason      secret-free text: why it failed (status, exception class, refresh failure)
     */
    record Upstream(int attempt, Instant at, long providerId, String provider, long credentialId, String model,
                    String method, String url, int status, long latencyMs, String disposition, String reason,
                    String requestHeaders, String requestBody, String responseBody) {
    }

    /** Everything captured for one request; {@code downstream} is null when only upstream capture is on. */
    record Capture(String requestId, Instant at, Downstream downstream, List<Upstream> upstream) {
    }

    /** Stores a request's capture, expiring at {@code expiresAt} (null: never). */
    void put(Capture capture, Instant expiresAt);

    /** Captures of requests that started in {@code [from, to)}, newest first, at most {@code limit}. */
    List<Capture> range(Instant from, Instant to, int limit);

    Optional<Capture> get(String requestId);
}
