package io.gproxy.channel;

import io.gproxy.channel.login.LoginSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/**
 * Claude Code (a Claude subscription through the CLI's OAuth client). Calls {@code api.anthropic.com} with the
 * OAuth access token as Bearer, {@code anthropic-beta: oauth-2025-04-20} first (merged with the client's betas),
 * {@code anthropic-version}, and the claude-cli / Stainless fingerprint headers ({@code user-agent},
 * {@code x-app: cli}, {@code x-stainless-*}); messages and count_tokens with {@code ?beta=true} as the CLI sends
 * them. The upstream only serves these tokens to Claude Code, so the body's system prompt starts with the CLI's
 * identity line and {@code metadata.user_id} names the device/account (derived, stable per credential).
 *
 * <p>Refresh: {@code refresh_token} grant (form) at {@value #TOKEN_URL}; rotates the access token and, when
 * returned, the refresh token, scopes and account; proactive 30 minutes before expiry.
 */
public final class ClaudeCodeChannel extends OAuthChannel {
    public static final String CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
    public static final String TOKEN_URL = "https://api.anthropic.com/v1/oauth/token";
    public static final String OAUTH_BETA = "oauth-2025-04-20";
    public static final String CLI_VERSION = "2.0.31";
    public static final String USER_AGENT = "claude-cli/" + CLI_VERSION + " (external, cli)";
    public static final String IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";

    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .pass(Operation.LIST_MODELS, CLAUDE).pass(Operation.GET_MODEL, CLAUDE)
            .to(Operation.LIST_MODELS, OPEN_AI, CLAUDE).to(Operation.GET_MODEL, OPEN_AI, CLAUDE)
            .to(Operation.LIST_MODELS, GEMINI, CLAUDE).to(Operation.GET_MODEL, GEMINI, CLAUDE)
            .pass(Operation.COUNT_TOKENS, CLAUDE)
            .to(Operation.COUNT_TOKENS, OPEN_AI, CLAUDE).to(Operation.COUNT_TOKENS, GEMINI, CLAUDE)
            .passContent(CLAUDE_MESSAGES)
            .contentTo(OPEN_AI_CHAT_COMPLETIONS, CLAUDE_MESSAGES).contentTo(OPEN_AI_RESPONSES, CLAUDE_MESSAGES)
            .contentTo(GEMINI_GENERATE_CONTENT, CLAUDE_MESSAGES)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, CLAUDE_MESSAGES)
            .build();

    public ClaudeCodeChannel() {
        super("claudecode", "Claude Code", "https://api.anthropic.com", Set.of(),
                Set.of("limit", "after_id", "before_id"));
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected ProtocolFamily family() {
        return ProtocolFamily.CLAUDE;
    }

    /** Claude's code page shows {@code code#state} for the operator to paste back. */
    @Override
    public LoginSpec loginSpec() {
        return new LoginSpec("https://claude.com/cai/oauth/authorize", CLIENT_ID, null,
                "https://platform.claude.com/oauth/code/callback",
                "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
                java.util.Map.of("code", "true"),
                java.util.Map.of("anthropic-version", ClaudeApiChannel.DEFAULT_ANTHROPIC_VERSION, "anthropic-beta", OAUTH_BETA,
                        "user-agent", USER_AGENT), true, false);
    }

    @Override
    protected List<FormField> oauthFields() {
        return List.of(FormField.secret("access_token", "Access token", true),
                FormField.secret("refresh_token", "Refresh token", true),
                FormField.string("expires_at_ms", "Expires at (epoch ms)", false, null),
                FormField.string("device_id", "Device id", false, null),
                FormField.string("account_uuid", "Account uuid", false, null),
                FormField.string("user_email", "Email", false, null));
    }

    @Override
    protected Duration skew() {
        return Duration.ofMinutes(30);
    }

    @Override
    protected String defaultTokenUrl() {
        return TOKEN_URL;
    }

    @Override
    public boolean credentialWideAuth() {
        return true;
    }

    @Override
    public boolean sharesAccountQuota(String upstreamModel) {
        return true; // one subscription's limits cover every model
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        QueryString q = super.upstreamQuery(ctx);
        boolean messages = ctx.key().kind() == CLAUDE_MESSAGES
                || (ctx.key().operation() == Operation.COUNT_TOKENS);
        return messages ? q.with("beta", "true") : q;
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        if (ctx.key().family() != ProtocolFamily.CLAUDE) {
            throw new ChannelException("claudecode serves the Claude API only");
        }
        return super.upstreamPath(ctx);
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        Set<String> betas = new LinkedHashSet<>();
        betas.add(OAUTH_BETA);
        for (String h : ctx.inboundHeaders().all("anthropic-beta")) {
            for (String b : h.split(",")) {
                if (!b.isBlank()) {
                    betas.add(b.trim());
                }
            }
        }
        out.set("anthropic-beta", String.join(",", betas));
        out.set("anthropic-version", anthropicVersion(ctx));
        String ua = ctx.setting("user_agent");
        out.set("user-agent", ua != null ? ua : USER_AGENT);
        out.set("x-app", "cli");
        out.set("anthropic-dangerous-direct-browser-access", "true");
        out.set("x-stainless-lang", "js");
        out.set("x-stainless-package-version", "0.60.0");
        out.set("x-stainless-os", "Linux");
        out.set("x-stainless-arch", "x64");
        out.set("x-stainless-runtime", "node");
        out.set("x-stainless-runtime-version", "v22.17.0");
        out.set("x-stainless-retry-count", "0");
        out.set("x-stainless-timeout", "600");
    }

    @Override
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        if (!ctx.hasBody() || ctx.key().kind() != CLAUDE_MESSAGES) {
            return ctx.body();
        }
        JsonNode parsed;
        try {
            parsed = Json.parse(ctx.body());
        } catch (IOException e) {
            throw new ChannelException("request body is not JSON");
        }
        if (!(parsed instanceof ObjectNode body)) {
            return ctx.body();
        }
        withIdentity(body);
        String userId = userId(ctx);
        if (userId != null && !body.path("metadata").has("user_id")) {
            ObjectNode metadata = body.path("metadata") instanceof ObjectNode m ? m : body.putObject("metadata");
            metadata.put("user_id", userId);
        }
        return Json.bytes(body);
    }

    /** Puts the CLI identity line first in {@code system} unless it is already there. */
    static void withIdentity(ObjectNode body) {
        JsonNode system = body.get("system");
        ObjectNode identity = Json.MAPPER.createObjectNode().put("type", "text").put("text", IDENTITY);
        if (system == null || system.isNull()) {
            body.putArray("system").add(identity);
        } else if (system.isTextual()) {
            if (!system.textValue().startsWith(IDENTITY)) {
                ArrayNode a = Json.MAPPER.createArrayNode().add(identity);
                a.addObject().put("type", "text").put("text", system.textValue());
                body.set("system", a);
            }
        } else if (system instanceof ArrayNode a) {
            boolean present = !a.isEmpty() && a.get(0).path("text").asText("").startsWith(IDENTITY);
            if (!present) {
                a.insert(0, identity);
            }
        }
    }

    /** {@code user_<device>_account_<uuid>_session_<uuid>}: stable per credential, no randomness. */
    static String userId(PrepareContext ctx) {
        String device = ctx.secretField("device_id");
        String account = ctx.secretField("account_uuid");
        if (device == null && account == null) {
            return null;
        }
        // the CLI's device id is 64 hex characters; without one, derive a stable one from the account
        String d = device != null ? device : io.gproxy.channel.aws.SigV4Signer.sha256Hex(
                ("gproxy-device:" + account).getBytes(StandardCharsets.UTF_8));
        String session = UUID.nameUUIDFromBytes(("session:" + d + ":" + account).getBytes(StandardCharsets.UTF_8)).toString();
        return "user_" + d + "_account_" + (account == null ? "" : account) + "_session_" + session;
    }

    @Override
    protected TokenRequest tokenRequest(JsonNode secret, String refreshToken) {
        String form = OAuthTokens.form(OAuthTokens.fields("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", CLIENT_ID));
        Headers h = new Headers().set("anthropic-version", ClaudeApiChannel.DEFAULT_ANTHROPIC_VERSION)
                .set("anthropic-beta", OAUTH_BETA).set("user-agent", USER_AGENT);
        return new TokenRequest("application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8), h);
    }

    @Override
    protected void afterRotate(ObjectNode secret, ObjectNode answer) {
        if (answer.path("scope").isTextual() && !answer.get("scope").asText().isBlank()) {
            ArrayNode scopes = secret.putArray("scopes");
            for (String s : answer.get("scope").asText().trim().split("\\s+")) {
                scopes.add(s);
            }
        }
        JsonNode account = answer.path("account");
        if (account.path("uuid").isTextual()) {
            secret.put("account_uuid", account.get("uuid").asText());
        }
        if (account.path("email_address").isTextual()) {
            secret.put("user_email", account.get("email_address").asText());
        }
    }
}
