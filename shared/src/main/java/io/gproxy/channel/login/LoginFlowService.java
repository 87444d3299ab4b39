package io.gproxy.channel.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelHttp;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.CodexChannel;
import io.gproxy.channel.OAuthChannel;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.crypto.SecretContext;
import io.gproxy.crypto.SecretSealingException;
import io.gproxy.protocol.Json;
import io.gproxy.store.LoginStateStore;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The interactive logins that create OAuth credentials (spec/core.md §13.4), across requests and containers: start
 * keeps the login's state (PKCE verifier, state, device code) sealed in the {@link LoginStateStore} under a random
 * login session id for {@link #LIFETIME}; complete or poll takes it back, talks to the provider, and hands out the
 * new credential's secret for the caller to store. A login is used once.
 */
public final class LoginFlowService {
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private final ChannelRegistry channels;
    private final LoginStateStore store;
    private final SecretCipher cipher;
    private final ChannelHttp http;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration timeout;

    public LoginFlowService(ChannelRegistry channels, LoginStateStore store, SecretCipher cipher, ChannelHttp http,
                            Clock clock, SecureRandom random, Duration timeout) {
        this.channels = channels;
        this.store = store;
        this.cipher = cipher;
        this.http = http;
        this.clock = clock;
        this.random = random;
        this.timeout = timeout;
    }

    public record AuthStarted(String loginSessionId, String authorizeUrl) {}

    public record DeviceStarted(String loginSessionId, String userCode, String verificationUrl, int intervalSeconds) {}

    /** A finished login: the provider it was for and the secret of the credential to create. */
    public record Completed(String channel, long providerId, ObjectNode secret) {}

    /** A device login still waiting for the operator, or finished. */
    public record DevicePolled(boolean pending, Completed completed) {}

    public AuthStarted start(String channelId, Long providerId, String redirectUri, Map<String, String> params)
            throws LoginException {
        OAuthChannel channel = oauthChannel(channelId);
        AuthorizationCodeLogin.Started s = AuthorizationCodeLogin.start(channel, redirectUri, random);
        ObjectNode state = base("authcode", channelId, providerId, params);
        state.put("state", s.state()).put("verifier", s.verifier()).put("redirect_uri", s.redirectUri());
        return new AuthStarted(keep(state), s.authorizeUrl());
    }

    /**
     * @param pasted the callback URL, {@code code#state} or the bare code the operator copied
     */
    public Completed complete(String loginSessionId, long providerId, String channelOfProvider, ObjectNode settings,
                              String pasted) throws LoginException {
        ObjectNode state = take(loginSessionId, "authcode", providerId, channelOfProvider);
        OAuthChannel channel = oauthChannel(state.path("channel").asText());
        // what the operator pasted is checked first: a typo or another login's code leaves this login usable
        AuthorizationCodeLogin.Pasted p = AuthorizationCodeLogin.parse(pasted);
        if (p.state() != null && !p.state().equals(state.path("state").asText())) {
            throw new LoginException(400, "state mismatch: this code belongs to another login");
        }
        try {
            ObjectNode secret = AuthorizationCodeLogin.exchange(channel, p.code(), state.path("verifier").asText(),
                    state.path("redirect_uri").asText(), state.path("state").asText(), params(state), settings, http,
                    clock.instant(), timeout);
            store.delete(loginSessionId); // a code is good once; so is the login
            return new Completed(channel.id(), providerId, secret);
        } catch (LoginException e) {
            if (e.status() == 400) {
                store.delete(loginSessionId); // the provider refused this code for good
            }
            throw e;
        }
    }

    public DeviceStarted startDevice(String channelId, long providerId, ObjectNode settings, Map<String, String> params)
            throws LoginException {
        CodexChannel channel = deviceChannel(channelId);
        CodexDeviceLogin.Started s = CodexDeviceLogin.start(channel, settings, http, timeout);
        ObjectNode state = base("device", channelId, providerId, params);
        state.put("device_auth_id", s.deviceAuthId()).put("user_code", s.userCode())
                .put("verification_url", s.verificationUrl()).put("interval", s.intervalSeconds());
        return new DeviceStarted(keep(state), s.userCode(), s.verificationUrl(), s.intervalSeconds());
    }

    public DevicePolled poll(String loginSessionId, long providerId, String channelOfProvider, ObjectNode settings)
            throws LoginException {
        ObjectNode state = take(loginSessionId, "device", providerId, channelOfProvider);
        CodexChannel channel = deviceChannel(state.path("channel").asText());
        CodexDeviceLogin.Started started = new CodexDeviceLogin.Started(state.path("device_auth_id").asText(),
                state.path("user_code").asText(), state.path("verification_url").asText(), state.path("interval").asInt(5));
        try {
            CodexDeviceLogin.Poll poll = CodexDeviceLogin.poll(channel, started, params(state), settings, http,
                    clock.instant(), timeout);
            if (poll.pending()) {
                return new DevicePolled(true, null);
            }
            store.delete(loginSessionId);
            return new DevicePolled(false, new Completed(channel.id(), providerId, poll.secret()));
        } catch (LoginException e) {
            if (e.status() == 400) {
                store.delete(loginSessionId);
            }
            throw e;
        }
    }

    /** The provider a pending login was started for, if it named one (a device poll carries only the session id). */
    public java.util.Optional<Long> providerOf(String loginSessionId) throws LoginException {
        ObjectNode state = open(loginSessionId);
        return state.has("provider_id") ? java.util.Optional.of(state.get("provider_id").asLong()) : java.util.Optional.empty();
    }

    /** The operator's hints kept with a pending login (e.g. the credential {@code name} given at device start). */
    public Map<String, String> paramsOf(String loginSessionId) throws LoginException {
        return params(open(loginSessionId));
    }

    private ObjectNode base(String mode, String channelId, Long providerId, Map<String, String> params) {
        ObjectNode state = Json.MAPPER.createObjectNode().put("mode", mode).put("channel", channelId);
        if (providerId != null) {
            state.put("provider_id", providerId);
        }
        ObjectNode p = state.putObject("params");
        if (params != null) {
            params.forEach(p::put);
        }
        return state;
    }

    private String keep(ObjectNode state) {
        String sid = "login_" + Pkce.randomToken(random, 24);
        store.put(sid, cipher.seal(state.toString(), context(sid)), clock.instant().plus(LIFETIME));
        return sid;
    }

    private ObjectNode open(String sid) throws LoginException {
        if (sid == null || sid.isBlank()) {
            throw new LoginException(400, "login_session_id is required");
        }
        String sealed = store.get(sid, clock.instant())
                .orElseThrow(() -> new LoginException(404, "login session not found or expired: start again"));
        try {
            JsonNode n = Json.parse(cipher.open(sealed, context(sid)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return (ObjectNode) n;
        } catch (IOException | SecretSealingException | ClassCastException e) {
            throw new LoginException(404, "login session not found or expired: start again");
        }
    }

    private ObjectNode take(String sid, String mode, long providerId, String channelOfProvider) throws LoginException {
        ObjectNode state = open(sid);
        if (!mode.equals(state.path("mode").asText())) {
            throw new LoginException(400, "this login session is a " + state.path("mode").asText() + " login");
        }
        if (state.has("provider_id") && state.get("provider_id").asLong() != providerId) {
            throw new LoginException(400, "this login was started for another provider");
        }
        if (!state.path("channel").asText().equals(channelOfProvider)) {
            throw new LoginException(400, "this login was started for channel " + state.path("channel").asText()
                    + ", the provider uses " + channelOfProvider);
        }
        return state;
    }

    private static Map<String, String> params(ObjectNode state) {
        Map<String, String> out = new LinkedHashMap<>();
        state.path("params").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static SecretContext context(String sid) {
        return SecretContext.of("login", sid);
    }

    private OAuthChannel oauthChannel(String channelId) throws LoginException {
        Channel c = channels.find(channelId).orElseThrow(() -> new LoginException(400, "unknown channel " + channelId));
        if (!(c instanceof OAuthChannel o)) {
            throw new LoginException(400, "channel " + channelId + " has no OAuth login");
        }
        return o;
    }

    private CodexChannel deviceChannel(String channelId) throws LoginException {
        OAuthChannel c = oauthChannel(channelId);
        if (!(c instanceof CodexChannel codex) || !c.loginSpec().deviceFlow()) {
            throw new LoginException(400, "channel " + channelId + " has no device login");
        }
        return codex;
    }
}
