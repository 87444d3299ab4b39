package io.gproxy.channel.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.ChannelHttp;
import io.gproxy.channel.CodexChannel;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.http.Headers;
import io.gproxy.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Codex's device-code login (spec/core.md §3.5): ask for a user code, the operator enters it at the verification
 * page, polling answers 403/404 until they did, then returns an authorization code and the verifier the provider
 * generated, which go through the ordinary code exchange with the device callback as redirect.
 */
public final class CodexDeviceLogin {
    private CodexDeviceLogin() {}

    /** What the operator sees, and what polling needs. */
    public record Started(String deviceAuthId, String userCode, String verificationUrl, int intervalSeconds) {}

    /** Either still pending, or the credential's secret. */
    public record Poll(boolean pending, ObjectNode secret) {}

    public static Started start(CodexChannel channel, ObjectNode settings, ChannelHttp http, Duration timeout)
            throws LoginException {
        String base = CodexChannel.authBaseUrl(settings);
        ObjectNode body = Json.MAPPER.createObjectNode().put("client_id", channel.loginSpec().clientId());
        ChannelHttp.Result r = post(http, base + "/api/accounts/deviceauth/usercode", body, timeout);
        JsonNode answer = okJson(r, "device code request");
        String id = answer.path("device_auth_id").asText(null);
        String code = answer.path("user_code").asText(answer.path("usercode").asText(null));
        if (id == null || code == null) {
            throw new LoginException(502, "device code answer lacks device_auth_id or user_code");
        }
        int interval = answer.path("interval").canConvertToInt() ? Math.max(1, answer.get("interval").asInt()) : 5;
        if (answer.path("interval").isTextual()) {
            try {
                interval = Math.max(1, Integer.parseInt(answer.get("interval").asText().trim()));
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        return new Started(id, code, base + "/codex/device", interval);
    }

    public static Poll poll(CodexChannel channel, Started started, Map<String, String> params, ObjectNode settings,
                            ChannelHttp http, Instant now, Duration timeout) throws LoginException {
        String base = CodexChannel.authBaseUrl(settings);
        ObjectNode body = Json.MAPPER.createObjectNode().put("device_auth_id", started.deviceAuthId())
                .put("user_code", started.userCode());
        ChannelHttp.Result r = post(http, base + "/api/accounts/deviceauth/token", body, timeout);
        if (r.status() == 403 || r.status() == 404) {
            return new Poll(true, null); // the operator has not entered the code yet
        }
        JsonNode answer = okJson(r, "device token poll");
        String code = answer.path("authorization_code").asText(null);
        String verifier = answer.path("code_verifier").asText(null);
        if (code == null || verifier == null) {
            throw new LoginException(502, "device token answer lacks authorization_code or code_verifier");
        }
        ObjectNode secret = AuthorizationCodeLogin.exchange(channel, code, verifier, base + "/deviceauth/callback", null,
                params, settings, http, now, timeout);
        return new Poll(false, secret);
    }

    private static ChannelHttp.Result post(ChannelHttp http, String url, ObjectNode body, Duration timeout)
            throws LoginException {
        Headers h = new Headers().set("content-type", "application/json").set("accept", "application/json");
        try {
            return http.send(new UpstreamRequest("POST", URI.create(url), h, Json.bytes(body)), timeout);
        } catch (IllegalArgumentException e) {
            throw new LoginException(400, "oauth_auth_base_url is not a URL");
        } catch (IOException e) {
            throw new LoginException(502, "device login endpoint unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoginException(502, "interrupted");
        }
    }

    private static JsonNode okJson(ChannelHttp.Result r, String what) throws LoginException {
        if (r.status() == 400 || r.status() == 401) {
            throw new LoginException(400, what + " refused (" + r.status() + "): the code expired or was denied; start again");
        }
        if (!r.ok()) {
            throw new LoginException(502, what + " failed: the provider answered " + r.status());
        }
        try {
            JsonNode n = Json.parse(r.body());
            if (n == null || !n.isObject()) {
                throw new LoginException(502, what + ": the answer is not a JSON object");
            }
            return n;
        } catch (IOException | RuntimeException e) {
            throw new LoginException(502, what + ": the answer is not JSON");
        }
    }
}
