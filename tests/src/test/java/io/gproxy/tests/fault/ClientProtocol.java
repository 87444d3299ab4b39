package io.gproxy.tests.fault;

import io.gproxy.tests.e2e.GatewayFixture;

/**
 * The four client protocols a fault is seen through: where each posts, what a request looks like, how its stream
 * ends normally and what its one error frame looks like after the first byte (spec/surface.md §2.5).
 */
enum ClientProtocol {
    CHAT("/v1/chat/completions", "/v1/chat/completions", "[DONE]", "\"error\""),
    RESPONSES("/v1/responses", "/v1/responses", "response.completed", "response.failed"),
    CLAUDE("/v1/messages", "/v1/messages", "message_stop", "event: error"),
    GEMINI("/v1beta/models/%s:generateContent", "/v1beta/models/%s:streamGenerateContent?alt=sse", "finishReason", "\"error\"");

    private final String path;
    private final String streamPath;
    final String streamEnd;
    final String errorFrame;

    ClientProtocol(String path, String streamPath, String streamEnd, String errorFrame) {
        this.path = path;
        this.streamPath = streamPath;
        this.streamEnd = streamEnd;
        this.errorFrame = errorFrame;
    }

    String path(String model, boolean stream) {
        return (stream ? streamPath : path).formatted(model);
    }

    String body(String model, boolean stream) {
        return switch (this) {
            case CHAT -> "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case RESPONSES -> "{\"model\":\"" + model + "\",\"max_output_tokens\":50,\"stream\":" + stream
                    + ",\"input\":\"hi\"}";
            case CLAUDE -> "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            case GEMINI -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                    + "\"generationConfig\":{\"maxOutputTokens\":50}}";
        };
    }

    /** The header pairs that carry the gateway key the way this protocol's SDK sends it. */
    String[] auth(String key) {
        return switch (this) {
            case CHAT, RESPONSES -> new String[] {"authorization", "Bearer " + key};
            case CLAUDE -> new String[] {"x-api-key", key, "anthropic-version", "2023-06-01"};
            case GEMINI -> new String[] {"x-goog-api-key", key};
        };
    }

    String[] aliceAuth() {
        return auth(GatewayFixture.ALICE_KEY);
    }
}
