package io.gproxy.channel;

import io.gproxy.channel.login.LoginSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/**
 * OpenAI Codex (a ChatGPT plan through the Codex CLI's OAuth client). Calls
 * {@code https://chatgpt.com/backend-api/codex} with {@code /v1} stripped ({@code /responses},
 * {@code /responses/compact}, {@code /models?client_version=...}), the OAuth access token as Bearer,
 * {@code chatgpt-account-id} and the {@code codex_exec} originator / user-agent. The backend only streams and never
 * stores, so the Responses body is normalised in {@link #prepare}: {@code stream: true}, {@code store: false},
 * sampling and output-limit fields removed, system/developer messages lifted into {@code instructions}.
 * Every content cell therefore routes to {@code stream_generate_content/open_ai_responses}.
 *
 * <p>Refresh: {@code refresh_token} grant (JSON) at {@value #TOKEN_URL}, 60 s skew; {@code account_id} and
 * {@code user_email} come from the returned id token's claims.
 */
public final class CodexChannel extends OAuthChannel {
    public static final String CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
    public static final String TOKEN_URL = "https://auth.openai.com/oauth/token";
    public static final String ORIGINATOR = "codex_exec";
    public static final String CLIENT_VERSION = "0.63.0";
    private static final Set<String> DROPPED_FIELDS = Set.of("temperature", "top_p", "max_output_tokens",
            "max_tokens", "max_completion_tokens", "truncation", "user", "service_tier", "top_logprobs");

    private static final RoutingTable DEFAULTS;

    static {
        RoutingTable.Builder b = RoutingTable.builder()
                .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
                .to(Operation.LIST_MODELS, CLAUDE, OPEN_AI).to(Operation.GET_MODEL, CLAUDE, OPEN_AI)
                .to(Operation.LIST_MODELS, GEMINI, OPEN_AI).to(Operation.GET_MODEL, GEMINI, OPEN_AI)
                .local(Operation.COUNT_TOKENS, OPEN_AI).local(Operation.COUNT_TOKENS, CLAUDE)
                .local(Operation.COUNT_TOKENS, GEMINI)
                .pass(Operation.COMPACT_CONTENT, OPEN_AI);
        OperationKey streamResponses = new OperationKey(Operation.STREAM_GENERATE_CONTENT, OPEN_AI_RESPONSES);
        for (OperationKind k : new OperationKind[]{OperationKind.OPEN_AI_CHAT_COMPLETIONS, OPEN_AI_RESPONSES,
                OperationKind.CLAUDE_MESSAGES, OperationKind.GEMINI_GENERATE_CONTENT}) {
            b.put(new OperationKey(Operation.GENERATE_CONTENT, k), RoutingDecision.transformTo(streamResponses));
            b.put(new OperationKey(Operation.STREAM_GENERATE_CONTENT, k), RoutingDecision.transformTo(streamResponses));
        }
        DEFAULTS = b.build();
    }

    public CodexChannel() {
        super("codex", "OpenAI Codex", "https://chatgpt.com/backend-api/codex", Set.of("session_id", "conversation_id"),
                Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    public static final String AUTH_BASE_URL = "https://auth.openai.com";

    /**
     * The CLI's client only accepts its localhost redirect: the browser ends on a page that does not load, and the
     * operator pastes that URL (it carries the code and state) back. The device flow avoids the copy.
     */
    @Override
    public LoginSpec loginSpec() {
        java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("id_token_add_organizations", "true");
        extra.put("codex_cli_simplified_flow", "true");
        extra.put("originator", ORIGINATOR);
        return new LoginSpec(AUTH_BASE_URL + "/oauth/authorize", CLIENT_ID, null, "http://localhost:1455/auth/callback",
                "openid profile email offline_access api.connectors.read api.connectors.invoke", extra,
                java.util.Map.of(), false, true);
    }

    /** {@code settings_json.oauth_auth_base_url} overrides the device-code endpoints' host (tests, proxies). */
    public static String authBaseUrl(ObjectNode settings) {
        return settings != null && settings.path("oauth_auth_base_url").isTextual()
                && !settings.get("oauth_auth_base_url").asText().isBlank()
                ? settings.get("oauth_auth_base_url").asText().trim() : AUTH_BASE_URL;
    }

    @Override
    protected List<FormField> oauthFields() {
        return List.of(FormField.secret("access_token", "Access token", true),
                FormField.secret("refresh_token", "Refresh token", true),
                FormField.secret("id_token", "Id token", false),
                FormField.string("account_id", "ChatGPT account id", false, null),
                FormField.string("user_email", "Email", false, null),
                FormField.string("expires_at_ms", "Expires at (epoch ms)", false, null));
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
    public boolean credentialWideAuth() {
        return true;
    }

    @Override
    public boolean sharesAccountQuota(String upstreamModel) {
        return true;
    }

    @Override
    public Disposition classify(int status, Headers headers, byte[] body, Instant now) {
        if (status == 403 && body != null
                && new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("misalignment_policy_violation")) {
            return Disposition.PERMANENT; // a policy refusal of this request, not a dead credential
        }
        return super.classify(status, headers, body, now);
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        if (ctx.key().family() != ProtocolFamily.OPENAI) {
            throw new ChannelException("codex serves the OpenAI Responses API only");
        }
        String path = ctx.providerPath();
        return PathCodec.encodePath(path.startsWith("/v1/") ? path.substring(3) : path);
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        Operation op = ctx.key().operation();
        if (op == Operation.LIST_MODELS || op == Operation.GET_MODEL) {
            String v = ctx.setting("client_version");
            return QueryString.empty().with("client_version", v != null ? v : CLIENT_VERSION);
        }
        return QueryString.empty();
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        String account = ctx.secretField("account_id");
        if (account != null) {
            out.set("chatgpt-account-id", account);
        }
        out.set("originator", ORIGINATOR);
        String ua = ctx.setting("user_agent");
        out.set("user-agent", ua != null ? ua : ORIGINATOR + "/" + CLIENT_VERSION + " (Linux; x86_64)");
        if (ctx.key().kind() == OPEN_AI_RESPONSES) {
            out.set("openai-beta", "responses=experimental");
            out.set("accept", "text/event-stream");
        }
    }

    @Override
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        if (!ctx.hasBody() || ctx.key().kind() != OPEN_AI_RESPONSES) {
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
        return Json.bytes(normalise(body));
    }

    /** The Codex backend's request rules. */
    static ObjectNode normalise(ObjectNode body) {
        body.put("stream", true);
        body.put("store", false);
        DROPPED_FIELDS.forEach(body::remove);
        body.remove("stream_options");
        StringBuilder lifted = new StringBuilder();
        if (body.path("instructions").isTextual()) {
            lifted.append(body.get("instructions").asText());
        }
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            a.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                    .put("type", "input_text").put("text", input.asText());
            body.set("input", a);
        } else if (input instanceof ArrayNode items) {
            ArrayNode kept = Json.MAPPER.createArrayNode();
            for (JsonNode item : items) {
                String role = item.path("role").asText("");
                if (role.equals("system") || role.equals("developer")) {
                    String text = textOf(item.get("content"));
                    if (!text.isEmpty()) {
                        if (lifted.length() > 0) {
                            lifted.append("\n\n");
                        }
                        lifted.append(text);
                    }
                } else {
                    kept.add(item);
                }
            }
            body.set("input", kept);
        }
        body.put("instructions", lifted.toString());
        return body;
    }

    private static String textOf(JsonNode content) {
        if (content == null) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(part.get("text").asText());
            }
        }
        return sb.toString();
    }

    /** The backend lists {@code {"models":[{"slug",...}]}}: reshaped into an OpenAI model list. */
    @Override
    public byte[] shapeResponse(byte[] body, ShapeContext ctx) {
        if (ctx.key().operation() != Operation.LIST_MODELS || ctx.status() != 200 || body == null) {
            return body;
        }
        try {
            JsonNode n = Json.parse(body);
            if (n == null || !n.path("models").isArray()) {
                return body;
            }
            ObjectNode out = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = out.putArray("data");
            for (JsonNode m : n.get("models")) {
                String id = m.path("slug").asText(m.path("id").asText(null));
                if (id != null) {
                    ObjectNode o = data.addObject().put("id", id).put("object", "model").put("created", 0)
                            .put("owned_by", "openai");
                    if (m.path("display_name").isTextual()) {
                        o.put("display_name", m.get("display_name").asText());
                    }
                }
            }
            return Json.bytes(out);
        } catch (IOException e) {
            return body;
        }
    }

    @Override
    protected TokenRequest tokenRequest(JsonNode secret, String refreshToken) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("client_id", CLIENT_ID).put("grant_type", "refresh_token")
                .put("refresh_token", refreshToken).put("scope", "openid profile email");
        return new TokenRequest("application/json", Json.bytes(body), new Headers());
    }

    @Override
    protected void afterRotate(ObjectNode secret, ObjectNode answer) {
        JsonNode claims = OAuthTokens.jwtClaims(answer.path("id_token").asText(null));
        if (claims == null) {
            return;
        }
        JsonNode auth = claims.path("https://api.openai.com/auth");
        if (auth.path("chatgpt_account_id").isTextual()) {
            secret.put("account_id", auth.get("chatgpt_account_id").asText());
        }
        if (claims.path("email").isTextual()) {
            secret.put("user_email", claims.get("email").asText());
        }
    }
}
