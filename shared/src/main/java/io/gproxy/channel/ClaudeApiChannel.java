package io.gproxy.channel;

import io.gproxy.http.Headers;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/**
 * Anthropic API: {@code x-api-key} plus {@code anthropic-version}; forwards {@code anthropic-beta}. Its
 * OpenAI-compatible Chat surface is served natively too (spec/surface.md §3.5 defaults).
 */
public final class ClaudeApiChannel extends ApiKeyChannel {
    /** Sent when the client names no version. The client's own version is kept: it decides which fields are valid. */
    public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .pass(Operation.LIST_MODELS, CLAUDE).pass(Operation.GET_MODEL, CLAUDE)
            .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
            .to(Operation.LIST_MODELS, GEMINI, CLAUDE).to(Operation.GET_MODEL, GEMINI, CLAUDE)
            .pass(Operation.COUNT_TOKENS, CLAUDE)
            .to(Operation.COUNT_TOKENS, OPEN_AI, CLAUDE).to(Operation.COUNT_TOKENS, GEMINI, CLAUDE)
            .passContent(CLAUDE_MESSAGES).passContent(OPEN_AI_CHAT_COMPLETIONS)
            .contentTo(OPEN_AI_RESPONSES, CLAUDE_MESSAGES).contentTo(GEMINI_GENERATE_CONTENT, CLAUDE_MESSAGES)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, CLAUDE_MESSAGES)
            .build();

    public ClaudeApiChannel() {
        super("claudeapi", "Claude API", "https://api.anthropic.com", Set.of("anthropic-beta"),
                Set.of("limit", "after_id", "before_id", "beta"));
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected ProtocolFamily family() {
        return ProtocolFamily.CLAUDE;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return family == ProtocolFamily.OPENAI ? AuthStyle.BEARER : AuthStyle.X_API_KEY;
    }

    @Override
    protected void addStaticHeaders(PrepareContext ctx, Headers out) {
        if (ctx.key().family() == ProtocolFamily.CLAUDE) {
            out.set("anthropic-version", anthropicVersion(ctx));
        }
    }
}
