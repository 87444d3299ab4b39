package io.gproxy.tests.e2e.badinput;

import java.util.List;

/**
 * The routes the bad-input generator covers, one table per surface. The admin API is being written: when its routes
 * land, they are one more table here ({@link #admin}) and the generator covers them unchanged.
 */
public final class RouteTables {
    private static final String CHAT = "{\"model\":\"" + Route.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String RESPONSES = "{\"model\":\"" + Route.MODEL + "\",\"input\":\"hi\"}";
    private static final String CLAUDE = "{\"model\":\"" + Route.MODEL + "\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GEMINI = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";

    private RouteTables() {}

    /** Every client route: content, non-content, scoped by provider, and the model listings. */
    public static List<Route> client(String key) {
        List<String> bearer = List.of("authorization", "Bearer " + key);
        List<String> anthropic = List.of("x-api-key", key, "anthropic-version", "2023-06-01");
        List<String> google = List.of("x-goog-api-key", key);
        return List.of(
                new Route("POST", "/v1/chat/completions", CHAT, bearer),
                new Route("POST", "/v1/responses", RESPONSES, bearer),
                new Route("POST", "/v1/responses/input_tokens", RESPONSES, bearer),
                new Route("POST", "/v1/responses/compact", RESPONSES, bearer),
                new Route("POST", "/v1/conversations", RESPONSES, bearer),
                new Route("POST", "/v1/embeddings", "{\"model\":\"" + Route.MODEL + "\",\"input\":\"hi\"}", bearer),
                new Route("POST", "/v1/images/generations", "{\"model\":\"" + Route.MODEL + "\",\"prompt\":\"a cat\"}", bearer),
                new Route("POST", "/v1/messages", CLAUDE, anthropic),
                new Route("POST", "/v1/messages/count_tokens", CLAUDE, anthropic),
                new Route("POST", "/v1beta/models/{model}:generateContent", GEMINI, google),
                new Route("POST", "/v1beta/models/{model}:streamGenerateContent", GEMINI, google),
                new Route("POST", "/v1beta/models/{model}:countTokens", GEMINI, google),
                new Route("POST", "/openai/v1/chat/completions", CHAT, bearer),
                new Route("POST", "/anthropic/v1/messages", CLAUDE, anthropic),
                new Route("POST", "/gemini/v1beta/models/{model}:generateContent", GEMINI, google),
                new Route("GET", "/v1/models", null, bearer),
                new Route("GET", "/v1/models/{model}", null, bearer),
                new Route("GET", "/v1beta/models", null, google));
    }

    /** The admin surface as it exists on main: the ops endpoints (an admin user's key). */
    public static List<Route> admin(String adminKey) {
        List<String> bearer = List.of("authorization", "Bearer " + adminKey);
        return List.of(new Route("GET", "/healthz", null, bearer), new Route("GET", "/version", null, bearer));
    }
}
