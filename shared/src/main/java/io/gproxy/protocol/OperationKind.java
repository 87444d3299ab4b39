package io.gproxy.protocol;

import java.util.Optional;

/**
 * The wire shape of a request (spec/surface.md §1.3): a content-generation kind, or a provider family for
 * non-content operations. Stored ids are v2's snake_case strings; v3's {@code openai*} spelling is accepted too.
 */
public enum OperationKind {
    OPEN_AI_RESPONSES("open_ai_responses", ProtocolFamily.OPENAI, true),
    OPEN_AI_CHAT_COMPLETIONS("open_ai_chat_completions", ProtocolFamily.OPENAI, true),
    CLAUDE_MESSAGES("claude_messages", ProtocolFamily.CLAUDE, true),
    GEMINI_GENERATE_CONTENT("gemini_generate_content", ProtocolFamily.GEMINI, true),
    OPEN_AI_RESPONSES_WEB_SOCKET("open_ai_responses_web_socket", ProtocolFamily.OPENAI, true),
    OPEN_AI("open_ai", ProtocolFamily.OPENAI, false),
    CLAUDE("claude", ProtocolFamily.CLAUDE, false),
    GEMINI("gemini", ProtocolFamily.GEMINI, false);

    private final String id;
    private final ProtocolFamily family;
    private final boolean contentGeneration;

    OperationKind(String id, ProtocolFamily family, boolean contentGeneration) {
        this.id = id;
        this.family = family;
        this.contentGeneration = contentGeneration;
    }

    public String id() {
        return id;
    }

    public ProtocolFamily family() {
        return family;
    }

    public boolean isContentGeneration() {
        return contentGeneration;
    }

    /** The non-content kind of a family. */
    public static OperationKind ofFamily(ProtocolFamily family) {
        return switch (family) {
            case OPENAI -> OPEN_AI;
            case CLAUDE -> CLAUDE;
            case GEMINI -> GEMINI;
        };
    }

    /** Parses a stored kind: content kinds first, then families (v2's untagged union); v3 {@code openai} accepted. */
    public static Optional<OperationKind> parse(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        String normalized = stored.startsWith("openai") ? "open_ai" + stored.substring("openai".length()) : stored;
        for (OperationKind kind : values()) {
            if (kind.contentGeneration && kind.id.equals(normalized)) {
                return Optional.of(kind);
            }
        }
        for (OperationKind kind : values()) {
            if (!kind.contentGeneration && kind.id.equals(normalized)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
