package io.gproxy.channel;

import io.gproxy.channel.login.LoginSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/**
 * Gemini CLI (Google account through the Gemini CLI's OAuth client) on the Code Assist API
 * ({@code https://cloudcode-pa.googleapis.com/v1internal:generateContent|streamGenerateContent|countTokens}).
 * Requests are wrapped in the Code Assist envelope {@code {"model","project","request":{...}}} by
 * {@link #prepare}; answers come back as {@code {"response":{...}}}, unwrapped by {@link #shapeResponse} (buffered)
 * and by the stream decoder (SSE → SSE). Headers: Bearer, the GeminiCLI user agent, {@code x-goog-api-client},
 * {@code client-metadata}. No model-list endpoint: the catalogue is bundled.
 *
 * <p>Refresh: Google {@code refresh_token} grant (form, the CLI's public client id and secret) at
 * {@value #TOKEN_URL}, 60 s skew; {@code project_id} and the other fields are kept.
 */
public final class GeminiCliChannel extends OAuthChannel {
    public static final String TOKEN_URL = "https://oauth2.googleapis.com/token";
    /** The Gemini CLI's public installed-app OAuth client (published in its source). */
    public static final String CLIENT_ID = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com";
    public static final String CLIENT_SECRET = "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";
    public static final String USER_AGENT = "GeminiCLI/0.21.0 (linux; x64)";

    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .local(Operation.LIST_MODELS, GEMINI).local(Operation.GET_MODEL, GEMINI)
            .local(Operation.LIST_MODELS, CLAUDE).local(Operation.GET_MODEL, CLAUDE)
            .local(Operation.LIST_MODELS, OPEN_AI).local(Operation.GET_MODEL, OPEN_AI)
            .pass(Operation.COUNT_TOKENS, GEMINI)
            .to(Operation.COUNT_TOKENS, CLAUDE, GEMINI).to(Operation.COUNT_TOKENS, OPEN_AI, GEMINI)
            .passContent(GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_CHAT_COMPLETIONS, GEMINI_GENERATE_CONTENT).contentTo(CLAUDE_MESSAGES, GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_RESPONSES, GEMINI_GENERATE_CONTENT)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .build();

    static final List<CatalogModel> BUNDLED = List.of(
            new CatalogModel("gemini-2.5-pro", "Gemini 2.5 Pro"),
            new CatalogModel("gemini-2.5-flash", "Gemini 2.5 Flash"),
            new CatalogModel("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"),
            new CatalogModel("gemini-3-pro-preview", "Gemini 3 Pro (preview)"));

    public GeminiCliChannel() {
        super("geminicli", "Gemini CLI", "https://cloudcode-pa.googleapis.com", Set.of(), Set.of("alt"));
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected ProtocolFamily family() {
        return ProtocolFamily.GEMINI;
    }

    @Override
    public List<CatalogModel> bundledModels() {
        return BUNDLED;
    }

    /** Google's code page for installed apps shows the code for the operator to paste back. */
    @Override
    public LoginSpec loginSpec() {
        java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("access_type", "offline");
        extra.put("prompt", "consent");
        return new LoginSpec("https://accounts.google.com/o/oauth2/v2/auth", CLIENT_ID, CLIENT_SECRET,
                "https://codeassist.google.com/authcode",
                "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email "
                        + "https://www.googleapis.com/auth/userinfo.profile", extra, java.util.Map.of(), false, false);
    }

    @Override
    protected List<FormField> oauthFields() {
        return List.of(FormField.secret("access_token", "Access token", true),
                FormField.secret("refresh_token", "Refresh token", true),
                FormField.string("project_id", "Code Assist project id", true, null),
                FormField.string("expires_at_ms", "Expires at (epoch ms)", false, null),
                FormField.string("user_email", "Email", false, null));
    }

    @Override
    protected Duration skew() {
        return Duration.ofSeconds(60);
    }

    @Override
    protected String defaultTokenUrl() {
        return TOKEN_URL;
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        OperationKey key = ctx.key();
        if (key.family() != ProtocolFamily.GEMINI) {
            throw new ChannelException("geminicli serves the Gemini API only");
        }
        return switch (key.operation()) {
            case GENERATE_CONTENT -> "/v1internal:generateContent";
            case STREAM_GENERATE_CONTENT -> "/v1internal:streamGenerateContent";
            case COUNT_TOKENS -> "/v1internal:countTokens";
            default -> throw new ChannelException("geminicli does not serve " + key);
        };
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        return ctx.key().operation() == Operation.STREAM_GENERATE_CONTENT
                ? QueryString.empty().with("alt", "sse") : QueryString.empty();
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        String ua = ctx.setting("user_agent");
        out.set("user-agent", ua != null ? ua : USER_AGENT);
        out.set("x-goog-api-client", "gl-node/22.17.0");
        out.set("client-metadata", "ideType=IDE_UNSPECIFIED,platform=PLATFORM_UNSPECIFIED,pluginType=GEMINI");
    }

    @Override
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        if (!ctx.hasBody()) {
            return ctx.body();
        }
        JsonNode request;
        try {
            request = Json.parse(ctx.body());
        } catch (IOException e) {
            throw new ChannelException("request body is not JSON");
        }
        if (ctx.upstreamModel() == null) {
            throw new ChannelException("geminicli needs an upstream model");
        }
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        if (ctx.key().operation() == Operation.COUNT_TOKENS) {
            ObjectNode inner = envelope.putObject("request").put("model", "models/" + ctx.upstreamModel());
            JsonNode contents = request.has("contents") ? request.get("contents")
                    : request.path("generateContentRequest").get("contents");
            if (contents != null) {
                inner.set("contents", contents);
            }
            return Json.bytes(envelope);
        }
        String project = ctx.secretField("project_id");
        if (project == null) {
            throw new ChannelException("geminicli credential has no project_id");
        }
        envelope.put("model", ctx.upstreamModel()).put("project", project).set("request", request);
        return Json.bytes(envelope);
    }

    @Override
    public byte[] shapeResponse(byte[] body, ShapeContext ctx) {
        if (body == null || ctx.status() < 200 || ctx.status() >= 300) {
            return body;
        }
        try {
            JsonNode n = Json.parse(body);
            return n != null && n.has("response") && n.get("response").isObject() ? Json.bytes(n.get("response")) : body;
        } catch (IOException e) {
            return body;
        }
    }

    @Override
    public UpstreamStreamDecoder newStreamDecoder(OperationKey key, Headers responseHeaders) {
        return key.operation() == Operation.STREAM_GENERATE_CONTENT ? new EnvelopeUnwrapper() : null;
    }

    /** Code Assist SSE ({@code data: {"response":{...}}}) → Gemini SSE ({@code data: {...}}). */
    static final class EnvelopeUnwrapper implements UpstreamStreamDecoder {
        private final SseDecoder sse = new SseDecoder();

        @Override
        public byte[] onBytes(byte[] buf, int off, int len) {
            return frames(sse.feed(buf, off, len));
        }

        @Override
        public byte[] onEnd() {
            return frames(sse.finish());
        }

        private static byte[] frames(List<SseFrame> in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (SseFrame f : in) {
                String data = f.data();
                try {
                    JsonNode n = Json.parse(data.getBytes(StandardCharsets.UTF_8));
                    if (n != null && n.get("response") instanceof ObjectNode inner) {
                        data = inner.toString();
                    }
                } catch (IOException | RuntimeException notJson) {
                    // relay as is
                }
                out.writeBytes(new SseFrame(f.event(), data).encode());
            }
            return out.toByteArray();
        }
    }

    /**
     * A Code Assist credential needs its project: the operator's {@code project_id} hint when given, else the one
     * {@code loadCodeAssist} reports for the account. (Onboarding an account that has none is left to the CLI.)
     */
    @Override
    public ObjectNode completeLogin(ObjectNode secret, java.util.Map<String, String> params, ChannelHttp http,
                                    ObjectNode settings, java.time.Duration timeout)
            throws io.gproxy.channel.login.LoginException {
        String hint = params.get("project_id");
        if (hint != null && !hint.isBlank()) {
            return secret.put("project_id", hint.trim());
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("metadata").put("ideType", "IDE_UNSPECIFIED").put("platform", "PLATFORM_UNSPECIFIED")
                .put("pluginType", "GEMINI");
        Headers h = new Headers().set("content-type", "application/json").set("user-agent", USER_AGENT);
        AuthStyle.BEARER.apply(h, secret.path("access_token").asText());
        ChannelHttp.Result r;
        try {
            // the same base URL the channel's requests use (settings_json.base_url, else the default)
            String base = baseUrl(new PrepareContext(null, false, null, "", QueryString.empty(), new Headers(), null,
                    secret, settings));
            r = http.send(new UpstreamRequest("POST", checkedUri(base + "/v1internal:loadCodeAssist"), h,
                    Json.bytes(body)), timeout);
        } catch (ChannelException e) {
            throw new io.gproxy.channel.login.LoginException(400, "base_url: " + e.getMessage());
        } catch (IOException e) {
            throw new io.gproxy.channel.login.LoginException(502, "Code Assist unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.gproxy.channel.login.LoginException(502, "interrupted");
        }
        String project = null;
        if (r.ok()) {
            try {
                JsonNode answer = Json.parse(r.body());
                JsonNode p = answer == null ? null : answer.get("cloudaicompanionProject");
                project = p == null ? null : p.isTextual() ? p.asText() : p.path("id").asText(null);
            } catch (IOException | RuntimeException ignored) {
                // no project below
            }
        }
        if (project == null || project.isBlank()) {
            throw new io.gproxy.channel.login.LoginException(r.ok() ? 400 : 502,
                    "no Code Assist project for this account" + (r.ok() ? "" : " (loadCodeAssist answered " + r.status() + ")")
                            + ": pass params.project_id");
        }
        return secret.put("project_id", project);
    }

    @Override
    protected TokenRequest tokenRequest(JsonNode secret, String refreshToken) {
        String form = OAuthTokens.form(OAuthTokens.fields("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET));
        return new TokenRequest("application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8), new Headers());
    }
}
