package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.protocol.Json;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Token-endpoint plumbing shared by the OAuth and service-account channels. */
public final class OAuthTokens {
    private OAuthTokens() {}

    /** Is the secret's access token missing, or within {@code skew} of {@code expires_at_ms}? */
    public static boolean stale(JsonNode secret, Instant now, Duration skew) {
        if (secret == null) {
            return false;
        }
        JsonNode token = secret.get("access_token");
        if (token == null || !token.isTextual() || token.textValue().isBlank()) {
            return true;
        }
        JsonNode exp = secret.get("expires_at_ms");
        if (exp == null || !exp.canConvertToLong()) {
            return false; // unknown expiry: use it; a 401 forces a refresh
        }
        return now.toEpochMilli() >= exp.asLong() - skew.toMillis();
    }

    public static String form(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            if (v != null) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return sb.toString();
    }

    public static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** POSTs to a token endpoint and returns the JSON answer; classifies failures for the refresher. */
    public static ObjectNode post(RefreshContext ctx, String url, String contentType, byte[] body, Headers extra)
            throws RefreshException {
        Headers h = extra == null ? new Headers() : extra.copy();
        h.set("content-type", contentType);
        h.set("accept", "application/json");
        UpstreamRequest req;
        try {
            req = new UpstreamRequest("POST", HttpChannel.checkedUri(url), h, body);
        } catch (ChannelException e) {
            throw new RefreshException("token endpoint " + url + ": " + e.getMessage(), false);
        }
        ChannelHttp.Result r;
        try {
            r = ctx.http().send(req, ctx.timeout());
        } catch (IOException e) {
            throw new RefreshException("token endpoint unreachable: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefreshException("interrupted while refreshing", false, e);
        }
        JsonNode json = null;
        try {
            json = r.body() == null || r.body().length == 0 ? null : Json.parse(r.body());
        } catch (IOException | RuntimeException ignored) {
            // handled below
        }
        if (!r.ok()) {
            String error = json == null ? null : json.path("error").isTextual() ? json.path("error").asText()
                    : json.path("error").path("type").asText(null);
            String description = json == null ? null : json.path("error_description").asText(
                    json.path("error").path("message").asText(null));
            boolean dead = r.status() == 400 || r.status() == 401 || r.status() == 403
                    || "invalid_grant".equals(error) || "invalid_client".equals(error) || "unauthorized_client".equals(error);
            throw new RefreshException("token endpoint answered " + r.status()
                    + (error == null ? "" : " " + error) + (description == null ? "" : ": " + description), dead);
        }
        if (!(json instanceof ObjectNode obj) || !obj.path("access_token").isTextual()) {
            throw new RefreshException("token endpoint answer has no access_token", false);
        }
        return obj;
    }

    /**
     * The refreshed secret: a copy of {@code old} with only the returned fields rotated (spec/core.md §3.5):
     * {@code access_token}, {@code refresh_token} when a new one came, {@code id_token} when returned, and
     * {@code expires_at_ms} from {@code expires_in} (else from the access token's JWT {@code exp}).
     */
    public static ObjectNode rotate(JsonNode old, ObjectNode answer, Instant now) {
        ObjectNode out = old instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
        String access = answer.get("access_token").asText();
        out.put("access_token", access);
        if (answer.path("refresh_token").isTextual() && !answer.get("refresh_token").asText().isBlank()) {
            out.put("refresh_token", answer.get("refresh_token").asText());
        }
        if (answer.path("id_token").isTextual() && !answer.get("id_token").asText().isBlank()) {
            out.put("id_token", answer.get("id_token").asText());
        }
        if (answer.path("expires_in").canConvertToLong()) {
            out.put("expires_at_ms", now.toEpochMilli() + answer.get("expires_in").asLong() * 1000L);
        } else {
            JsonNode claims = jwtClaims(access);
            if (claims != null && claims.path("exp").canConvertToLong()) {
                out.put("expires_at_ms", claims.get("exp").asLong() * 1000L);
            }
        }
        return out;
    }

    /** The claims of a JWT (unverified: only our own tokens' metadata is read), or null when it is not one. */
    public static JsonNode jwtClaims(String jwt) {
        if (jwt == null) {
            return null;
        }
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            return Json.parse(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
