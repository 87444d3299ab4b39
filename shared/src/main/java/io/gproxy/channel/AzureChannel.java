package io.gproxy.channel;

import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.List;
import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.OPEN_AI;

/**
 * Microsoft Azure (AI Foundry / Azure OpenAI). {@code settings_json.base_url} is required: the resource endpoint
 * ({@code https://<resource>.openai.azure.com} or {@code https://<resource>.services.ai.azure.com}).
 *
 * <ul>
 * <li>OpenAI surface, {@code api-key} header. With {@code settings_json.api_version} = {@code v1} the v1 API is used
 * ({@code /openai/v1/...}, model in the body). Otherwise (default {@value #DEFAULT_API_VERSION}) the deployment
 * URLs: {@code /openai/deployments/{deployment}/chat/completions|embeddings|images/...?api-version=...} where the
 * upstream model is the deployment name; Responses and models at {@code /openai/responses|models?api-version=...}.</li>
 * <li>Claude surface (Foundry's Anthropic models): {@code /anthropic/v1/messages[/count_tokens]} with
 * {@code x-api-key} and {@code anthropic-version}; forwards {@code anthropic-beta}.</li>
 * </ul>
 */
public final class AzureChannel extends ApiKeyChannel {
    public static final String DEFAULT_API_VERSION = "2025-04-01-preview";

    private static final RoutingTable DEFAULTS = OpenAiCompatibleChannel.content(RoutingTable.builder()
                            .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
                            .to(Operation.LIST_MODELS, CLAUDE, OPEN_AI).to(Operation.GET_MODEL, CLAUDE, OPEN_AI)
                            .to(Operation.LIST_MODELS, GEMINI, OPEN_AI).to(Operation.GET_MODEL, GEMINI, OPEN_AI)
                            .pass(Operation.COUNT_TOKENS, CLAUDE).local(Operation.COUNT_TOKENS, OPEN_AI)
                            .local(Operation.COUNT_TOKENS, GEMINI),
                    OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                    OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.OPEN_AI_RESPONSES, OperationKind.CLAUDE_MESSAGES)
            .pass(Operation.CREATE_EMBEDDING, OPEN_AI).to(Operation.CREATE_EMBEDDING, GEMINI, OPEN_AI)
            .pass(Operation.CREATE_IMAGE, OPEN_AI).pass(Operation.EDIT_IMAGE, OPEN_AI)
            .pass(Operation.COMPACT_CONTENT, OPEN_AI)
            .build();

    public AzureChannel() {
        super("azure", "Microsoft Azure (Foundry)", null, Set.of(), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected List<FormField> extraSettings() {
        return List.of(FormField.string("api_version", "API version", false,
                "api-version query of the deployment URLs; 'v1' selects the v1 API").withDefault(DEFAULT_API_VERSION));
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return family == ProtocolFamily.CLAUDE ? AuthStyle.X_API_KEY : AuthStyle.API_KEY_HEADER;
    }

    @Override
    protected Set<String> forwardHeaders(PrepareContext ctx) {
        return ctx.key().family() == ProtocolFamily.CLAUDE ? Set.of("anthropic-beta") : Set.of();
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            out.set("anthropic-version", anthropicVersion(ctx));
        }
    }

    private static String apiVersion(PrepareContext ctx) {
        String v = ctx.setting("api_version");
        return v == null ? DEFAULT_API_VERSION : v;
    }

    private static boolean v1(PrepareContext ctx) {
        return "v1".equalsIgnoreCase(apiVersion(ctx));
    }

    @Override
    protected QueryString upstreamQuery(PrepareContext ctx) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE || v1(ctx)) {
            return QueryString.empty();
        }
        return QueryString.empty().with("api-version", apiVersion(ctx));
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        String path = ctx.providerPath();
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            return "/anthropic" + PathCodec.encodePath(path);
        }
        if (ctx.key().family() == ProtocolFamily.GEMINI) {
            throw new ChannelException("azure does not serve the Gemini API");
        }
        String rest = stripFirstSegment(path); // /v1/chat/completions -> /chat/completions
        if (v1(ctx)) {
            return "/openai/v1" + PathCodec.encodePath(rest);
        }
        boolean deployment = switch (ctx.key().operation()) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> ctx.key().kind() == OperationKind.OPEN_AI_CHAT_COMPLETIONS;
            case CREATE_EMBEDDING, CREATE_IMAGE, EDIT_IMAGE -> true;
            default -> false;
        };
        if (deployment) {
            if (ctx.upstreamModel() == null || ctx.upstreamModel().isBlank()) {
                throw new ChannelException("azure deployment URLs need the upstream model (deployment name)");
            }
            return "/openai/deployments/" + PathCodec.encodeSegment(ctx.upstreamModel()) + PathCodec.encodePath(rest);
        }
        return "/openai" + PathCodec.encodePath(rest);
    }
}
