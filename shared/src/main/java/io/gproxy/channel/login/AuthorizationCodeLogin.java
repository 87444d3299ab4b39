package io.gproxy.channel.login;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.ChannelHttp;
import io.gproxy.channel.OAuthChannel;
import io.gproxy.channel.OAuthTokens;
import io.gproxy.channel.RefreshContext;
import io.gproxy.channel.RefreshException;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The authorization-code login with PKCE (spec/core.md §13.4): {@link #start} builds the authorize URL and the
 * state to keep; {@link #complete} takes what the operator pasted back (the callback URL, {@code code#state}, or a
 * bare code), checks the state, and exchanges the code for the credential's secret.
 */
public final class AuthorizationCodeLogin {
    private AuthorizationCodeLogin() {}

    /** What {@link #start} hands out ({@code authorizeUrl}) and what must be kept for {@link #complete}. */
    public record Started(String authorizeUrl, String state, String verifier, String redirectUri) {}

    public static Started start(OAuthChannel channel, String redirectUri, SecureRandom random) {
        LoginSpec spec = channel.loginSpec();
        String redirect = redirectUri == null || redirectUri.isBlank() ? spec.defaultRedirectUri() : redirectUri.trim();
        Pkce pkce = Pkce.generate(random);
        String state = Pkce.randomToken(random, 24);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", spec.clientId());
        q.put("redirect_uri", redirect);
        q.put("scope", spec.scopes());
        q.put("code_challenge", pkce.challenge());
        q.put("code_challenge_method", "S256");
        q.put("state", state);
        q.putAll(spec.authorizeExtra());
        return new Started(spec.authorizeUrl() + "?" + OAuthTokens.form(q), state, pkce.verifier(), redirect);
    }

    /** The code and (when the pasted text carried one) the state. */
    record Pasted(String code, String state) {}

    /**
     * Reads what the operator pasted: a callback URL ({@code ...?code=..&state=..}, or {@code ?error=..} when consent
     * was denied), Anthropic's {@code code#state}, or a bare code.
     */
    static Pasted parse(String pasted) throws LoginException {
        if (pasted == null || pasted.isBlank()) {
            throw new LoginException(400, "callback_url or code is required");
        }
        String text = pasted.trim();
        if (text.startsWith("http://") || text.startsWith("https://")) {
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new LoginException(400, "callback_url is not a URL");
            }
            QueryString query = QueryString.parse(uri.getRawQuery());
            String error = query.first("error").orElse(null);
            if (error != null) {
                throw new LoginException(400, "the provider refused the login: " + error);
            }
            String code = query.first("code").orElse(null);
            if (code == null || code.isBlank()) {
                throw new LoginException(400, "callback_url carries no code");
            }
            return new Pasted(code, query.first("state").orElse(null));
        }
        int hash = text.indexOf('#');
        if (hash > 0) {
            return new Pasted(text.substring(0, hash), text.substring(hash + 1));
        }
        return new Pasted(text, null);
    }

    /**
     * @param started the kept state of this login (its verifier and redirect go into the exchange)
     * @param params  the operator's hints (e.g. Gemini's {@code project_id})
     * @return the credential's secret, complete
     */
    public static ObjectNode complete(OAuthChannel channel, Started started, String pasted, Map<String, String> params,
                                      ObjectNode settings, ChannelHttp http, Instant now, Duration timeout)
            throws LoginException {
        Pasted p = parse(pasted);
        if (p.state() != null && !p.state().equals(started.state())) {
            throw new LoginException(400, "state mismatch: this code belongs to another login");
        }
        return exchange(channel, p.code(), started.verifier(), started.redirectUri(), started.state(), params,
                settings, http, now, timeout);
    }

    /** The authorization-code grant; also the last step of the device flow. */
    static ObjectNode exchange(OAuthChannel channel, String code, String verifier, String redirectUri, String state,
                               Map<String, String> params, ObjectNode settings, ChannelHttp http, Instant now,
                               Duration timeout) throws LoginException {
        LoginSpec spec = channel.loginSpec();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", spec.clientId());
        form.put("code_verifier", verifier);
        if (spec.clientSecret() != null) {
            form.put("client_secret", spec.clientSecret());
        }
        if (spec.stateInToken() && state != null) {
            form.put("state", state);
        }
        Headers headers = new Headers();
        spec.tokenHeaders().forEach(headers::set);
        ObjectNode answer;
        try {
            answer = OAuthTokens.post(new RefreshContext(null, settings, now, http, timeout), channel.tokenUrl(settings),
                    "application/x-www-form-urlencoded", OAuthTokens.form(form).getBytes(StandardCharsets.UTF_8), headers);
        } catch (RefreshException e) {
            // a refused code (expired, used, wrong verifier) is the operator's to redo; anything else is the provider's
            throw new LoginException(e.credentialDead() ? 400 : 502, "token exchange failed: " + e.getMessage());
        }
        ObjectNode secret = channel.secretFromLogin(answer, now);
        if (!secret.path("refresh_token").isTextual()) {
            throw new LoginException(502, "the provider returned no refresh_token; the credential could not be renewed");
        }
        return channel.completeLogin(secret, params, http, settings, timeout);
    }
}
