package io.gproxy.tests.e2e.badinput;

import java.util.List;
import java.util.Set;

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

    /**
     * The admin surface (an admin user's key): the ops endpoints, entity writes (whose paths also list with GET),
     * reads with query filters, and the public login.
     */
    public static List<Route> admin(String adminKey) {
        List<String> bearer = List.of("authorization", "Bearer " + adminKey);
        Set<String> listToo = Set.of("GET");
        return List.of(new Route("GET", "/healthz", null, bearer), new Route("GET", "/version", null, bearer),
                new Route("POST", "/admin/orgs", "{\"name\":\"bad-input-org\"}", bearer, listToo),
                new Route("POST", "/admin/providers", "{\"name\":\"bad-input-provider\",\"channel\":\"openai\"}", bearer, listToo),
                new Route("POST", "/admin/users", "{\"name\":\"bad-input-user\",\"org_id\":1}", bearer, listToo),
                new Route("POST", "/admin/route-permissions",
                        "{\"scope\":\"user\",\"scope_id\":2,\"route_pattern\":\"bad-*\"}", bearer, listToo),
                new Route("POST", "/admin/providers/1/credentials",
                        "{\"name\":\"bad-input-cred\",\"secret_json\":{\"api_key\":\"sk-bad-input\"}}", bearer, listToo),
                new Route("GET", "/admin/usage", null, bearer),
                new Route("GET", "/admin/orgs", null, bearer, Set.of("POST")));
    }

    /**
     * The user portal (session cookie only): own keys, a key's update, the password change and usage. The bodies are
     * the ones that would succeed (the user's own key id, the right current password), so a bad request that got
     * through would show as a write. A key's other method (DELETE) is left out of the wrong methods: it needs no body
     * and would succeed.
     */
    public static List<Route> portal(String sessionToken, long ownKeyId, String password) {
        List<String> cookie = List.of("cookie", "gproxy_session=" + sessionToken);
        return List.of(new Route("POST", "/user/keys", "{\"label\":\"bad-input\"}", cookie, Set.of("GET")),
                new Route("GET", "/user/keys", null, cookie, Set.of("POST")),
                new Route("PATCH", "/user/keys/" + ownKeyId, "{\"label\":\"bad-input-renamed\",\"enabled\":true}", cookie,
                        Set.of("DELETE")),
                new Route("POST", "/user/change-password",
                        "{\"current\":\"" + password + "\",\"new\":\"bad-input-new-password\"}", cookie),
                new Route("GET", "/user/usage", null, cookie));
    }
}
