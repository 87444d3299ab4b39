package io.gproxy.pipeline;

import io.gproxy.protocol.OperationKind;

import java.nio.charset.StandardCharsets;

/**
 * The one protocol-shaped frame a client gets when its stream fails after the first byte (spec/surface.md §2.5).
 * The message is always the redacted "upstream request failed".
 */
public final class StreamErrorFrames {
    private StreamErrorFrames() {}

    public static byte[] forClient(OperationKind kind, boolean geminiSse) {
        String frame = switch (kind) {
            case CLAUDE_MESSAGES, CLAUDE -> "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}\n\n";
            case OPEN_AI_CHAT_COMPLETIONS -> "data: {\"error\":{\"type\":\"upstream_error\",\"message\":\"upstream request failed\"}}\n\ndata: [DONE]\n\n";
            case OPEN_AI_RESPONSES, OPEN_AI_RESPONSES_WEB_SOCKET, OPEN_AI -> "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"upstream request failed\"}}}\n\n";
            case GEMINI_GENERATE_CONTENT, GEMINI -> geminiSse
                    ? "data: {\"error\":{\"code\":502,\"status\":\"UNAVAILABLE\",\"message\":\"upstream request failed\"}}\n\n"
                    // inside a JSON-array stream: close the array with an error element
                    : ",\n{\"error\":{\"code\":502,\"status\":\"UNAVAILABLE\",\"message\":\"upstream request failed\"}}]";
        };
        return frame.getBytes(StandardCharsets.UTF_8);
    }
}
