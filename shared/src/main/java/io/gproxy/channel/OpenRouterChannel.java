package io.gproxy.channel;

import io.gproxy.http.Headers;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.OPEN_AI;

/**
 * OpenRouter: Bearer key for every surface (Chat, Responses and its Anthropic-compatible Messages endpoint, all
 * under {@code /api/v1}); forwards {@code http-referer} and {@code x-title} (its app attribution headers).
 */
public final class OpenRouterChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS = OpenAiCompatibleChannel.content(
                    OpenAiCompatibleChannel.openAiModelsAndLocalCount(), OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                    OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.OPEN_AI_RESPONSES, OperationKind.CLAUDE_MESSAGES)
            .pass(Operation.CREATE_EMBEDDING, OPEN_AI).to(Operation.CREATE_EMBEDDING, GEMINI, OPEN_AI)
            .build();

    public OpenRouterChannel() {
        super("openrouter", "OpenRouter", "https://openrouter.ai/api", Set.of("http-referer", "x-title"), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return AuthStyle.BEARER;
    }

    @Override
    protected Set<String> forwardHeaders(PrepareContext ctx) {
        return ctx.key().family() == ProtocolFamily.CLAUDE ? Set.of("http-referer", "x-title", "anthropic-beta")
                : super.forwardHeaders(ctx);
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            out.set("anthropic-version", anthropicVersion(ctx));
        }
    }
}
