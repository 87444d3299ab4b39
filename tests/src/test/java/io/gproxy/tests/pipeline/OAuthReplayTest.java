package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Acceptance 3: a 401 on an OAuth credential forces one refresh and one replay; a second 401 (the refreshed token is
 * refused too) cools the credential, so the next request does not call it at all and goes to the next member.
 */
class OAuthReplayTest {
    static final String CLAUDE_OK = "{\"id\":\"msg_a\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"from oauth\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static final AtomicInteger tokens = new AtomicInteger();
    static HttpServer upstream;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", OAuthReplayTest::handle);
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        gw = new GatewayFixture().start(root -> {
            oauthProvider(root, 70, "cc-dead", "rt-dead", base);
            oauthProvider(root, 71, "cc-ok", "rt-ok", base);
            for (int id : new int[]{70, 71}) {
                PipelineBundle.route(root, id, "oauth-" + id, "failover");
                ((ArrayNode) root.get("route_members")).addObject().put("id", id).put("route_id", id).put("provider_id", id)
                        .put("upstream_model_id", "claude-sonnet-4-5").put("weight", 100).put("tier", 0).put("enabled", true);
                ((ArrayNode) root.get("route_members")).addObject().put("id", id + 10).put("route_id", id).put("provider_id", 2)
                        .put("upstream_model_id", "claude-sonnet-4-5").put("weight", 100).put("tier", 1).put("enabled", true);
            }
        });
    }

    /** A Claude Code provider on the loopback holding a token the upstream will refuse ({@code old-token}). */
    static void oauthProvider(ObjectNode root, int id, String name, String refreshToken, String base) {
        ObjectNode p = ((ArrayNode) root.get("providers")).addObject();
        p.put("id", id).put("name", name).put("channel", "claudecode").put("label", name)
                .put("credential_strategy", "round_robin").put("enabled", true);
        p.putObject("settings_json").put("base_url", base).put("oauth_token_url", base + "/oauth/token");
        ObjectNode c = ((ArrayNode) root.get("credentials")).addObject();
        c.put("id", id).put("provider_id", id).put("name", name).put("kind", "oauth").put("weight", 100).put("enabled", true);
        c.putObject("secret_json").put("access_token", "old-token").put("refresh_token", refreshToken)
                .put("expires_at_ms", 4_102_444_800_000L);
    }

    /** Tokens refreshed from {@code rt-ok} start with {@code ok-} and are accepted; every other token gets 401. */
    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getRawPath();
            String bearer = ex.getRequestHeaders().getFirst("authorization");
            int status;
            String answer;
            if (path.equals("/oauth/token")) {
                calls.add("/oauth/token");
                String prefix = body.contains("rt-ok") ? "ok-" : "dead-";
                status = 200;
                answer = "{\"access_token\":\"" + prefix + tokens.incrementAndGet() + "\",\"refresh_token\":\"rt-2\","
                        + "\"expires_in\":3600,\"token_type\":\"Bearer\"}";
            } else {
                calls.add(path + " " + bearer);
                boolean ok = bearer != null && bearer.startsWith("Bearer ok-");
                status = ok ? 200 : 401;
                answer = ok ? CLAUDE_OK
                        : "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid token\"}}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        upstream.stop(0);
    }

    @BeforeEach
    void clear() {
        calls.clear();
        gw.clearMocks();
    }

    static HttpResponse<String> messages(String model) throws Exception {
        return PipelineHttp.post(gw.baseUrl(), "/v1/messages", GatewayFixture.ALICE_KEY, "{\"model\":\"" + model
                + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void aSecond401AfterTheReplayCoolsTheCredential() throws Exception {
        HttpResponse<String> r = messages("oauth-70");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("/v1/messages Bearer old-token", "/oauth/token", "/v1/messages Bearer dead-" + tokens.get()),
                calls, "one refresh, one replay, no more");
        assertEquals(1, gw.anthropic.requests().size(), "then the next member served");

        calls.clear();
        assertEquals(200, messages("oauth-70").statusCode());
        assertEquals(List.of(), calls, "the credential is cooled: not called again");
        assertEquals(2, gw.anthropic.requests().size());
    }

    @Test
    void aRefreshedTokenThatWorksServesTheReplay() throws Exception {
        HttpResponse<String> r = messages("oauth-71");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("/v1/messages Bearer old-token", "/oauth/token", "/v1/messages Bearer ok-" + tokens.get()), calls);
        assertEquals(0, gw.anthropic.requests().size(), "served by the replay");
    }
}
