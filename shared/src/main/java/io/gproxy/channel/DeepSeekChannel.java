package io.gproxy.channel;

import io.gproxy.http.Headers;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

/**
 * DeepSeek: Bearer key on its OpenAI surface ({@code /v1/chat/completions}, {@code /v1/models}); its
 * Anthropic-compatible surface lives under {@code /anthropic} and takes {@code x-api-key} plus
 * {@code anthropic-version}. Responses and Gemini content go to Chat.
 */
public final class DeepSeekChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS = OpenAiCompatibleChannel.content(
            OpenAiCompatibleChannel.openAiModelsAndLocalCount(), OperationKind.OPEN_AI_CHAT_COMPLETIONS,
            OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.CLAUDE_MESSAGES).build();

    public DeepSeekChannel() {
        super("deepseek", "DeepSeek", "https://api.deepseek.com", Set.of(), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return family == ProtocolFamily.CLAUDE ? AuthStyle.X_API_KEY : AuthStyle.BEARER;
    }

    @Override
    protected Set<String> forwardHeaders(PrepareContext ctx) {
        return ctx.key().family() == ProtocolFamily.CLAUDE ? Set.of("anthropic-beta") : Set.of();
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) throws ChannelException {
        String path = super.upstreamPath(ctx);
        return ctx.key().family() == ProtocolFamily.CLAUDE ? "/anthropic" + path : path;
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            out.set("anthropic-version", anthropicVersion(ctx));
        }
    }
}
