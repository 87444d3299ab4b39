package io.gproxy.channel;

import io.gproxy.http.Headers;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

/**
 * Any OpenAI-, Claude- or Gemini-compatible host. {@code settings_json.base_url} is required; every cell passes
 * through; the auth style follows the target family: Claude ⇒ {@code x-api-key} + {@code anthropic-version}
 * (forwards {@code anthropic-beta}), Gemini ⇒ {@code x-goog-api-key} (forwards {@code alt}), else Bearer (forwards
 * the OpenAI beta/organization/project headers).
 */
public final class CustomChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS;

    static {
        RoutingTable.Builder b = RoutingTable.builder();
        for (Operation op : Operation.values()) {
            for (OperationKind kind : OperationKind.values()) {
                if (kind != OperationKind.OPEN_AI_RESPONSES_WEB_SOCKET && onClientSurface(op, kind)) {
                    OperationKey.tryOf(op, kind).ifPresent(k -> b.put(k, RoutingDecision.PASSTHROUGH));
                }
            }
        }
        DEFAULTS = b.build();
    }

    /** Cells a client can send (spec/surface.md §2.2): images, compact and conversations are OpenAI-only. */
    private static boolean onClientSurface(Operation op, OperationKind kind) {
        return switch (op) {
            case CREATE_IMAGE, EDIT_IMAGE, COMPACT_CONTENT, CREATE_CONVERSATION -> kind == OperationKind.OPEN_AI;
            case CREATE_EMBEDDING -> kind != OperationKind.CLAUDE;
            default -> true;
        };
    }

    public CustomChannel() {
        super("custom", "Custom", null, Set.of(), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return switch (family) {
            case CLAUDE -> AuthStyle.X_API_KEY;
            case GEMINI -> AuthStyle.GOOG_API_KEY;
            case OPENAI -> AuthStyle.BEARER;
        };
    }

    @Override
    protected Set<String> forwardHeaders(PrepareContext ctx) {
        return switch (ctx.key().family()) {
            case CLAUDE -> Set.of("anthropic-beta");
            case GEMINI -> Set.of();
            case OPENAI -> Set.of("openai-beta", "openai-organization", "openai-project");
        };
    }

    @Override
    protected io.gproxy.http.QueryString upstreamQuery(PrepareContext ctx) {
        return switch (ctx.key().family()) {
            case CLAUDE -> ctx.query().only(Set.of("limit", "after_id", "before_id", "beta"));
            case GEMINI -> ctx.query().only(Set.of("alt", "pageSize", "pageToken"));
            case OPENAI -> ctx.query().only(Set.of("limit", "after", "order"));
        };
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        return isGeminiModelPath(ctx.key()) ? geminiPath(ctx.providerPath(), ctx.upstreamModel())
                : super.upstreamPath(ctx);
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            out.set("anthropic-version", anthropicVersion(ctx));
        }
    }
}
