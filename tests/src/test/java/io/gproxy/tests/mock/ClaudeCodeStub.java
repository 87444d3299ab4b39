package io.gproxy.tests.mock;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A Claude Code account on one loopback server: {@code /oauth/token} grants every refresh or code exchange
 * ({@code new-token}), any other path answers a short Claude message. For tests where the OAuth plumbing around the
 * call is what matters (proxies, IAM actions, console logins), not the upstream's checks.
 */
public final class ClaudeCodeStub implements AutoCloseable {
    private static final String TOKEN = "{\"access_token\":\"new-token\",\"refresh_token\":\"rt-2\",\"expires_in\":3600}";
    private static final String MESSAGE = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

    private final HttpServer server;

    public ClaudeCodeStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = (ex.getRequestURI().getPath().equals("/oauth/token") ? TOKEN : MESSAGE)
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tokenUrl() {
        return baseUrl() + "/oauth/token";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
