package io.gproxy.transform.claude;

import io.gproxy.transform.ir.FinishReason;

/** Claude {@code stop_reason} ⇔ IR finish reason (spec/surface.md §4.11). */
final class ClaudeStopReason {

    private ClaudeStopReason() {}

    /** Null stays null; unknown future reasons are a normal stop, like pause_turn. */
    static FinishReason decode(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /**
     * @param calledTools the answer contains tool calls: a STOP then means tool_use (Gemini reports STOP for
     *                    function calls, and a Claude client waits for tool_use before running tools)
     */
    static String encode(FinishReason reason, boolean calledTools) {
        if (reason == null) {
            return calledTools ? "tool_use" : "end_turn";
        }
        return switch (reason) {
            case STOP -> calledTools ? "tool_use" : "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            // Claude has no error stop reason; refusal is the one that tells the client the answer is not normal.
            case CONTENT_FILTER, ERROR -> "refusal";
        };
    }
}
