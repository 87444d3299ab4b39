package io.gproxy.pipeline;

import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The client's gateway key, from the four presentations of spec/surface.md §2.4 in priority order, and the list of
 * inbound credentials that must never travel upstream.
 */
public final class ClientKeys {
    /** Headers that carry client credentials or session state; stripped before anything is forwarded. */
    public static final Set<String> CREDENTIAL_HEADERS =
            Set.of("authorization", "x-api-key", "x-goog-api-key", "cookie", "proxy-authorization");
    /** Query parameters that carry client credentials. */
    public static final Set<String> CREDENTIAL_QUERY = Set.of("key");

    private ClientKeys() {}

    public static Optional<String> extract(Headers headers, QueryString query) {
        String auth = headers.firstOrNull("authorization");
        if (auth != null) {
            String trimmed = auth.trim();
            if (trimmed.length() > 7 && trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                String token = trimmed.substring(7).trim();
                if (!token.isEmpty()) {
                    return Optional.of(token);
                }
            }
        }
        for (String header : new String[] {"x-api-key", "x-goog-api-key"}) {
            String v = headers.firstOrNull(header);
            if (v != null && !v.trim().isEmpty()) {
                return Optional.of(v.trim());
            }
        }
        return query.first("key").filter(k -> !k.isEmpty());
    }
}
