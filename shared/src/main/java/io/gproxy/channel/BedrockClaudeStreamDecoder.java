package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.aws.EventStreamCodec;
import io.gproxy.channel.aws.EventStreamException;
import io.gproxy.channel.aws.EventStreamMessage;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

/**
 * Bedrock {@code InvokeModelWithResponseStream} for Anthropic models → Claude SSE. Each {@code chunk} event carries
 * {@code {"bytes":"<base64 of one Anthropic stream event>"}}; the event's {@code type} becomes the SSE event name.
 * Bedrock's {@code amazon-bedrock-invocationMetrics} addition to {@code message_stop} is dropped. Exceptions in the
 * stream ({@code throttlingException}, {@code modelStreamErrorException}, ...) become one Claude {@code error}
 * event. A corrupted frame fails the stream ({@link EventStreamException}).
 */
public final class BedrockClaudeStreamDecoder implements UpstreamStreamDecoder {
    private final EventStreamCodec codec = new EventStreamCodec();

    @Override
    public byte[] onBytes(byte[] buf, int off, int len) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (EventStreamMessage m : codec.feed(buf, off, len)) {
            out.writeBytes(frame(m));
        }
        return out.toByteArray();
    }

    @Override
    public byte[] onEnd() throws IOException {
        codec.finish();
        return new byte[0];
    }

    static byte[] frame(EventStreamMessage m) throws EventStreamException {
        String type = m.messageType();
        if ("exception".equals(type)) {
            return errorFrame(m.header(":exception-type"), messageOf(m));
        }
        if ("error".equals(type)) {
            return errorFrame(m.header(":error-code"), m.header(":error-message"));
        }
        if (!"chunk".equals(m.eventType())) {
            return new byte[0];
        }
        JsonNode event;
        try {
            JsonNode payload = Json.parse(m.payload());
            String b64 = payload.path("bytes").asText(null);
            if (b64 == null) {
                throw new EventStreamException("bedrock chunk without bytes");
            }
            event = Json.parse(Base64.getDecoder().decode(b64));
        } catch (IOException | IllegalArgumentException e) {
            throw new EventStreamException("bedrock chunk is not base64 JSON: " + e.getMessage());
        }
        if (!(event instanceof ObjectNode obj) || !obj.path("type").isTextual()) {
            throw new EventStreamException("bedrock chunk holds no Anthropic stream event");
        }
        obj.remove("amazon-bedrock-invocationMetrics");
        return SseFrame.named(obj.get("type").textValue(), obj.toString()).encode();
    }

    private static String messageOf(EventStreamMessage m) {
        try {
            JsonNode n = Json.parse(m.payload());
            if (n != null && n.path("message").isTextual()) {
                return n.get("message").textValue();
            }
            if (n != null && n.path("Message").isTextual()) {
                return n.get("Message").textValue();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: use the text
        }
        return m.payloadText();
    }

    /** A Claude {@code error} event for a Bedrock stream exception. */
    static byte[] errorFrame(String exceptionType, String message) {
        String claudeType = claudeErrorType(exceptionType);
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", "error");
        n.putObject("error").put("type", claudeType)
                .put("message", message == null || message.isBlank() ? String.valueOf(exceptionType) : message);
        return SseFrame.named("error", n.toString()).encode();
    }

    static String claudeErrorType(String exceptionType) {
        if (exceptionType == null) {
            return "api_error";
        }
        return switch (exceptionType) {
            case "throttlingException", "ThrottlingException" -> "rate_limit_error";
            case "serviceUnavailableException", "ServiceUnavailableException", "modelNotReadyException" -> "overloaded_error";
            case "validationException", "ValidationException" -> "invalid_request_error";
            case "accessDeniedException", "AccessDeniedException" -> "permission_error";
            default -> "api_error";
        };
    }
}
