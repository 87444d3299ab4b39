package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKind;

import java.nio.charset.StandardCharsets;

/**
 * The one protocol-shaped frame a client gets when its stream fails after the first byte (spec/surface.md §2.5).
 * A stream that broke mid-answer always says the redacted "upstream request failed"; a stream that was started
 * with keepalives before any answer was ready ({@link SlowStart}) says what the answer was, in the status's terms.
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

    /**
     * The whole content of a stream that carries nothing but an error: what the client would have got as an HTTP
     * status and error body, had its stream not been started already. {@code status} picks the protocol's error
     * type (Anthropic {@code rate_limit_error}, Gemini {@code RESOURCE_EXHAUSTED}, ...); a Gemini JSON-array stream
     * is a whole array holding the error.
     */
    public static byte[] insteadOfStatus(OperationKind kind, boolean geminiSse, int status, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        String frame = switch (kind) {
            case CLAUDE_MESSAGES, CLAUDE -> {
                root.put("type", "error");
                root.putObject("error").put("type", claudeType(status)).put("message", message);
                yield "event: error\ndata: " + root + "\n\n";
            }
            case OPEN_AI_CHAT_COMPLETIONS -> {
                root.putObject("error").put("message", message).put("type", openAiType(status))
                        .put("code", Integer.toString(status));
                yield "data: " + root + "\n\ndata: [DONE]\n\n";
            }
            case OPEN_AI_RESPONSES, OPEN_AI_RESPONSES_WEB_SOCKET, OPEN_AI -> {
                root.put("type", "response.failed");
                root.putObject("response").put("status", "failed").putObject("error")
                        .put("code", status == 429 ? "rate_limit_exceeded" : "server_error").put("message", message);
                yield "event: response.failed\ndata: " + root + "\n\n";
            }
            case GEMINI_GENERATE_CONTENT, GEMINI -> {
                root.putObject("error").put("code", status).put("status", googleStatus(status)).put("message", message);
                yield geminiSse ? "data: " + root + "\n\n" : "[" + root + "]";
            }
        };
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    private static String claudeType(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    private static String openAiType(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private static String googleStatus(int status) {
        return switch (status) {
            case 400, 422 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNAVAILABLE";
        };
    }
}
