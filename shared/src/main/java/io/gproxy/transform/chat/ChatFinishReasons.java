package io.gproxy.transform.chat;

import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.FinishReason;

/** Chat {@code finish_reason} (spec/surface.md §4.11). */
final class ChatFinishReasons {
    private ChatFinishReasons() {}

    /**
     * Some Chat-compatible servers answer {@code stop} although the message carries tool calls; clients of other
     * protocols need to know the model waits for tool results, so tool calls win.
     */
    static FinishReason decode(String reason, boolean hasToolCalls) {
        if (reason == null) {
            return null;
        }
        FinishReason mapped = switch (reason) {
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            // OpenRouter's mid-stream failure; DeepSeek's generation cut for lack of capacity
            case "error", "insufficient_system_resource" -> FinishReason.ERROR;
            default -> FinishReason.STOP;
        };
        return mapped == FinishReason.STOP && hasToolCalls ? FinishReason.TOOL_CALLS : mapped;
    }

    /**
     * Real Chat has no failure reason; {@code stop} keeps strict clients working and the loss report says so.
     * A missing reason is inferred from whether tool calls were made.
     */
    static String encode(FinishReason reason, boolean hasToolCalls, TransformContext ctx) {
        if (reason == null) {
            return hasToolCalls ? "tool_calls" : "stop";
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            case ERROR -> {
                ctx.loss().drop("finish_reason.error");
                yield "stop";
            }
        };
    }
}
