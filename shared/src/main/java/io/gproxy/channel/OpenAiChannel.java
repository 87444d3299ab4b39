package io.gproxy.channel;

import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.CLAUDE_MESSAGES;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.GEMINI_GENERATE_CONTENT;
import static io.gproxy.protocol.OperationKind.OPEN_AI;
import static io.gproxy.protocol.OperationKind.OPEN_AI_CHAT_COMPLETIONS;
import static io.gproxy.protocol.OperationKind.OPEN_AI_RESPONSES;

/** OpenAI platform API: Bearer key; forwards {@code openai-beta}, {@code openai-organization}, {@code openai-project}. */
public final class OpenAiChannel extends ApiKeyChannel {
    private static final RoutingTable DEFAULTS = RoutingTable.builder()
            .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
            .to(Operation.LIST_MODELS, CLAUDE, OPEN_AI).to(Operation.GET_MODEL, CLAUDE, OPEN_AI)
            .to(Operation.LIST_MODELS, GEMINI, OPEN_AI).to(Operation.GET_MODEL, GEMINI, OPEN_AI)
            .local(Operation.COUNT_TOKENS, OPEN_AI).local(Operation.COUNT_TOKENS, CLAUDE).local(Operation.COUNT_TOKENS, GEMINI)
            .passContent(OPEN_AI_CHAT_COMPLETIONS).passContent(OPEN_AI_RESPONSES)
            .contentTo(CLAUDE_MESSAGES, OPEN_AI_RESPONSES).contentTo(GEMINI_GENERATE_CONTENT, OPEN_AI_RESPONSES)
            .pass(Operation.CREATE_EMBEDDING, OPEN_AI).to(Operation.CREATE_EMBEDDING, GEMINI, OPEN_AI)
            .pass(Operation.CREATE_IMAGE, OPEN_AI).pass(Operation.EDIT_IMAGE, OPEN_AI)
            .pass(Operation.COMPACT_CONTENT, OPEN_AI).pass(Operation.CREATE_CONVERSATION, OPEN_AI)
            .build();

    public OpenAiChannel() {
        super("openai", "OpenAI", "https://api.openai.com",
                Set.of("openai-beta", "openai-organization", "openai-project"), Set.of());
    }

    @Override
    public RoutingTable routingDefaults() {
        return DEFAULTS;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return AuthStyle.BEARER;
    }
}
