package io.gproxy.channel;

import io.gproxy.channel.login.LoginException;
import io.gproxy.channel.login.LoginSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A channel authenticated by an OAuth access token ({@code Authorization: Bearer}) that a refresh-token grant
 * renews (spec/core.md §3.4, §3.5). Refresh rotates only the fields the token endpoint returned and keeps every
 * other secret field. {@code settings_json.oauth_token_url} overrides the token endpoint (proxies, tests).
 */
public abstract class OAuthChannel extends HttpChannel {

    protected OAuthChannel(String id, String displayName, String defaultBaseUrl, Set<String> forwardHeaders,
                           Set<String> forwardQuery) {
        super(id, displayName, defaultBaseUrl, forwardHeaders, forwardQuery);
    }

    /** How long before {@code expires_at_ms} the token counts as stale. */
    protected abstract Duration skew();

    /** The provider's token endpoint. */
    protected abstract String defaultTokenUrl();

    /** The secret fields of an OAuth credential, for the console. */
    protected abstract List<FormField> oauthFields();

    /** The token request body and headers for a refresh-token grant. */
    protected abstract TokenRequest tokenRequest(JsonNode secret, String refreshToken);

    /** Extra fields to take from the token answer (account ids, scopes) after the common rotation. */
    protected void afterRotate(ObjectNode secret, ObjectNode answer) {}

    protected record TokenRequest(String contentType, byte[] body, Headers headers) {}

    /** How an operator logs in to create a credential of this channel (spec/core.md §13.4). */
    public abstract LoginSpec loginSpec();

    /** The token endpoint: {@code settings_json.oauth_token_url} when set, else the provider's. */
    public String tokenUrl(ObjectNode settings) {
        return settings != null && settings.path("oauth_token_url").isTextual()
                && !settings.get("oauth_token_url").asText().isBlank()
                ? settings.get("oauth_token_url").asText().trim() : defaultTokenUrl();
    }

    /**
     * The secret of a fresh login from the token endpoint's answer to an authorization-code grant: the same fields
     * a refresh writes (so a logged-in credential and a refreshed one look alike), plus {@code kind}-independent
     * extras the channel takes from the answer.
     */
    public ObjectNode secretFromLogin(ObjectNode answer, Instant now) {
        ObjectNode secret = OAuthTokens.rotate(null, answer, now);
        afterRotate(secret, answer);
        return secret;
    }

    /**
     * What a login still needs after the token exchange (Gemini CLI: the Code Assist project). {@code params} are
     * the operator's hints from the login request.
     */
    public ObjectNode completeLogin(ObjectNode secret, Map<String, String> params, ChannelHttp http, ObjectNode settings,
                                    Duration timeout) throws LoginException {
        return secret;
    }

    @Override
    protected List<String> loginModes() {
        return loginSpec().deviceFlow() ? List.of("authcode", "device") : List.of("authcode");
    }

    @Override
    protected List<CredentialKind> credentialKinds() {
        return List.of(new CredentialKind("oauth", "OAuth tokens", oauthFields()));
    }

    @Override
    protected List<FormField> extraSettings() {
        return List.of(FormField.url("oauth_token_url", "Token endpoint override", false, defaultTokenUrl()));
    }

    @Override
    protected boolean usage() {
        return true;
    }

    @Override
    protected UpstreamRequest authorize(PrepareContext ctx, UpstreamRequest request) throws ChannelException {
        String token = ctx.secretField("access_token");
        if (token == null) {
            throw new ChannelException("credential has no access_token");
        }
        AuthStyle.BEARER.apply(request.headers(), token);
        return request;
    }

    @Override
    public boolean needsRefresh(JsonNode secret, Instant now) {
        return OAuthTokens.stale(secret, now, skew());
    }

    @Override
    public ObjectNode refresh(RefreshContext ctx) throws RefreshException {
        JsonNode rt = ctx.secret() == null ? null : ctx.secret().get("refresh_token");
        if (rt == null || !rt.isTextual() || rt.textValue().isBlank()) {
            throw new RefreshException("credential has no refresh_token: log in again", true);
        }
        String url = tokenUrl(ctx.settings());
        TokenRequest req = tokenRequest(ctx.secret(), rt.textValue().trim());
        ObjectNode answer = OAuthTokens.post(ctx, url, req.contentType(), req.body(), req.headers());
        ObjectNode out = OAuthTokens.rotate(ctx.secret(), answer, ctx.now());
        afterRotate(out, answer);
        return out;
    }
}
