package io.gproxy.channel;

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
 * Google AI Studio (Gemini API): API key in {@code x-goog-api-key}; forwards {@code alt}. The model lives in the
 * URL, so passthrough rebuilds {@code /v1beta/models/{upstream}:verb}. Its OpenAI-compatible surface lives under
 * {@code /v1beta/openai/} and takes a Bearer key.
 */
public final class AiStudioChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .pass(Operation.LIST_MODELS, GEMINI).pass(Operation.GET_MODEL, GEMINI)
            .to(Operation.LIST_MODELS, CLAUDE, GEMINI).to(Operation.GET_MODEL, CLAUDE, GEMINI)
            .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
            .pass(Operation.COUNT_TOKENS, GEMINI)
            .to(Operation.COUNT_TOKENS, CLAUDE, GEMINI).to(Operation.COUNT_TOKENS, OPEN_AI, GEMINI)
            .passContent(GEMINI_GENERATE_CONTENT).passContent(OPEN_AI_CHAT_COMPLETIONS)
            .contentTo(CLAUDE_MESSAGES, GEMINI_GENERATE_CONTENT).contentTo(OPEN_AI_RESPONSES, GEMINI_GENERATE_CONTENT)
            .to(Operation.CREATE_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .to(Operation.EDIT_IMAGE, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .pass(Operation.CREATE_EMBEDDING, GEMINI).to(Operation.CREATE_EMBEDDING, OPEN_AI, GEMINI)
            .to(Operation.COMPACT_CONTENT, OPEN_AI, Operation.GENERATE_CONTENT, GEMINI_GENERATE_CONTENT)
            .build();

    public AiStudioChannel() {
        super("aistudio", "Google AI Studio", "https://generativelanguage.googleapis.com", Set.of(), Set.of("alt", "pageSize", "pageToken"));
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
    protected AuthStyle authFor(ProtocolFamily family) {
        return family == ProtocolFamily.OPENAI ? AuthStyle.BEARER : AuthStyle.GOOG_API_KEY;
    }

    @Override
    protected String upstreamPath(PrepareContext ctx) {
        String path = ctx.providerPath();
        if (ctx.key().family() == ProtocolFamily.OPENAI) {
            return "/v1beta/openai" + PathCodec.encodePath(path.substring(path.indexOf('/', 1)));
        }
        return isGeminiModelPath(ctx.key()) ? geminiPath(path, ctx.upstreamModel()) : PathCodec.encodePath(path);
    }
}
