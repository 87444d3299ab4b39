package io.gproxy.channel;

import io.gproxy.protocol.OperationKey;

/** The {@code settings_json.endpoints.<key>} names of spec/core.md §3.3, per target operation key. */
final class EndpointKeys {
    private EndpointKeys() {}

    static String of(OperationKey key, boolean stream) {
        String family = switch (key.family()) {
            case OPENAI -> "openai";
            case CLAUDE -> "claude";
            case GEMINI -> "gemini";
        };
        return switch (key.operation()) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> switch (key.kind()) {
                case OPEN_AI_CHAT_COMPLETIONS -> "openai_chat_completions";
                case OPEN_AI_RESPONSES, OPEN_AI_RESPONSES_WEB_SOCKET -> "openai_responses";
                case CLAUDE_MESSAGES -> "claude_messages";
                default -> stream ? "gemini_stream_generate_content" : "gemini_generate_content";
            };
            case LIST_MODELS -> family + "_list_models";
            case GET_MODEL -> family + "_get_model";
            case COUNT_TOKENS -> family + "_count_tokens";
            case CREATE_EMBEDDING -> family + "_embeddings";
            case CREATE_IMAGE -> "image_generations";
            case EDIT_IMAGE -> "image_edits";
            case COMPACT_CONTENT -> "openai_compact";
            case CREATE_CONVERSATION -> "openai_conversations";
        };
    }
}
