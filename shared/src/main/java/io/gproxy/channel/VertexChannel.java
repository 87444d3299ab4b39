package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
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
 * Google Vertex AI with a service account. The secret is the service-account JSON ({@code client_email},
 * {@code private_key}, {@code project_id}, optional {@code token_uri}, {@code private_key_id}) plus the cached
 * {@code access_token} / {@code expires_at_ms} that {@link #refresh} fills (RS256 JWT-bearer grant, reused until
 * 60 s before expiry). Calls carry {@code Authorization: Bearer <access_token>}.
 *
 * <p>Location: setting {@code location} &gt; secret {@code location} &gt; {@code us-central1}; host
 * {@code https://{location}-aiplatform.googleapis.com} ({@code global}: {@code https://aiplatform.googleapis.com}).
 * Gemini: {@code /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:verb}. Claude partner models (when
 * a provider routes Claude natively): {@code .../publishers/anthropic/models/{model}:rawPredict|streamRawPredict}
 * with {@code anthropic_version: vertex-2023-10-16}. Models: {@code /v1beta1/publishers/google/models}.
 */
public final class VertexChannel extends HttpChannel {
    public static final Duration SKEW = Duration.ofSeconds(60);
    public static final String CLAUDE_VERSION = "vertex-2023-10-16";

    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .pass(Operation.LIST_MODELS, GEMINI).pass(Operation.GET_MODEL, GEMINI)
            .to(Operation.LIST_MODELS, CLAUDE, GEMINI).to(Operation.GET_MODEL, CLAUDE, GEMINI)
            .to(Operation.LIST_MODELS, OPEN_AI, GEMINI).to(Operation.GET_MODEL, OPEN_AI, GEMINI)
            .pass(Operation.COUNT_TOKENS, GEMINI)
            .to(Operation.COUNT_TOKENS, CLAUDE, GEMINI).to(Operation.COUNT_TOKENS, OPEN_AI, GEMINI)
            .passContent(GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_CHAT_COMPLETIONS, GEMINI_GENERATE_CONTENT).contentTo(CLAUDE_MESSAGES, GEMINI_GENERATE_CONTENT)
            .contentTo(OPEN_AI_RESPONSES, GEMINI_GENERATE_CONTENT)
            .to(Operation.CREATE_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .to(Operation.EDIT_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .pass(Operation.CREATE_EMBEDDING, GEMINI).to(Operation.CREATE_EMBEDDING, OPEN_AI, GEMINI)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .build();

    public VertexChannel() {
        super("vertex", "Google Vertex AI", "https://us-central1-aiplatform.googleapis.com", Set.of(), Set.of("alt"));
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
    protected List<CredentialKind> credentialKinds() {
        return List.of(new CredentialKind("service_account", "Service account JSON", List.of(
                FormField.string("client_email", "Client email", true, null),
                new FormField("private_key", "Private key (PEM)", "text", true, null, null),
                FormField.string("project_id", "Project id", true, null),
                FormField.url("token_uri", "Token URI", false, GoogleServiceAccount.DEFAULT_TOKEN_URI),
                FormField.string("location", "Location", false, "overridden by the provider's location setting"))));
    }

    @Override
    protected List<FormField> extraSettings() {
        return List.of(FormField.string("location", "Location", false, "GCP region, or global").withDefault("us-central1"));
    }

    static String location(PrepareContext ctx) {
        String l = ctx.setting("location");
        if (l == null) {
            l = ctx.secretField("location");
        }
        return l == null ? "us-central1" : l;
    }

    @Override
    protected String defaultBaseUrl(PrepareContext ctx) {
        String l = location(ctx);
        return "global".equals(l) ? "https://aiplatform.googleapis.com" : "https://" + l + "-aiplatform.googleapis.com";
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        if (ctx.key().operation() == Operation.LIST_MODELS) {
            return ctx.query().only(Set.of("pageSize", "pageToken"));
        }
        return super.upstreamQuery(ctx);
    }

    private static String projectPrefix(PrepareContext ctx) throws ChannelException {
        String project = ctx.secretField("project_id");
        if (project == null) {
            throw new ChannelException("service account has no project_id");
        }
        return "/v1/projects/" + PathCodec.encodeSegment(project) + "/locations/" + PathCodec.encodeSegment(location(ctx));
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        var key = ctx.key();
        String model = ctx.upstreamModel();
        if (key.family() == ProtocolFamily.GEMINI) {
            if (key.operation() == Operation.LIST_MODELS) {
                return "/v1beta1/publishers/google/models";
            }
            if (key.operation() == Operation.GET_MODEL && model != null) {
                return "/v1beta1/publishers/google/models/" + PathCodec.encodeSegment(model);
            }
            String verb = geminiVerb(ctx.providerPath());
            if (isGeminiModelPath(key) && verb != null && model != null) {
                return projectPrefix(ctx) + "/publishers/google/models/" + PathCodec.encodeSegment(model) + ":"
                        + PathCodec.encodeSegment(verb);
            }
        }
        if (key.family() == ProtocolFamily.CLAUDE && model != null) {
            if (key.operation() == Operation.COUNT_TOKENS) {
                return projectPrefix(ctx) + "/publishers/anthropic/models/count-tokens:rawPredict";
            }
            if (key.kind() == OperationKind.CLAUDE_MESSAGES) {
                return projectPrefix(ctx) + "/publishers/anthropic/models/" + PathCodec.encodeSegment(model)
                        + (ctx.stream() ? ":streamRawPredict" : ":rawPredict");
            }
        }
        if (key.kind() == OperationKind.OPEN_AI_CHAT_COMPLETIONS) {
            return projectPrefix(ctx) + "/endpoints/openapi/chat/completions";
        }
        throw new ChannelException("vertex does not serve " + key + " natively");
    }

    @Override
    protected byte[] upstreamBody(PrepareContext ctx) throws ChannelException {
        if (!ctx.hasBody() || ctx.key().kind() != OperationKind.CLAUDE_MESSAGES) {
            return ctx.body();
        }
        try {
            JsonNode n = Json.parse(ctx.body());
            if (n instanceof ObjectNode body) {
                body.remove("model");
                if (!body.hasNonNull("anthropic_version")) {
                    body.put("anthropic_version", CLAUDE_VERSION);
                }
                return Json.bytes(body);
            }
        } catch (IOException e) {
            throw new ChannelException("request body is not JSON");
        }
        return ctx.body();
    }

    @Override
    protected UpstreamRequest authorize(PrepareContext ctx, UpstreamRequest request) throws ChannelException {
        String token = ctx.secretField("access_token");
        if (token == null) {
            throw new ChannelException("service account has no access token yet (refresh first)");
        }
        AuthStyle.BEARER.apply(request.headers(), token);
        return request;
    }

    @Override
    public boolean needsRefresh(JsonNode secret, Instant now) {
        return OAuthTokens.stale(secret, now, SKEW);
    }

    @Override
    public ObjectNode refresh(RefreshContext ctx) throws RefreshException {
        JsonNode s = ctx.secret();
        String email = s.path("client_email").asText(null);
        String key = s.path("private_key").asText(null);
        if (email == null || key == null) {
            throw new RefreshException("service account needs client_email and private_key", true);
        }
        String tokenUri = s.path("token_uri").asText("");
        if (tokenUri.isBlank()) {
            tokenUri = GoogleServiceAccount.DEFAULT_TOKEN_URI;
        }
        String assertion;
        try {
            assertion = GoogleServiceAccount.assertion(email, key, s.path("private_key_id").asText(null), tokenUri,
                    GoogleServiceAccount.CLOUD_PLATFORM_SCOPE, ctx.now());
        } catch (GeneralSecurityException e) {
            throw new RefreshException("service account private key unusable: " + e.getMessage(), true);
        }
        String form = OAuthTokens.form(OAuthTokens.fields("grant_type", GoogleServiceAccount.JWT_BEARER_GRANT,
                "assertion", assertion));
        ObjectNode answer = OAuthTokens.post(ctx, tokenUri, "application/x-www-form-urlencoded",
                form.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        return OAuthTokens.rotate(s, answer, ctx.now());
    }
}
