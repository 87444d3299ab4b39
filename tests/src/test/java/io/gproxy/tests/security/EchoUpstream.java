package io.gproxy.tests.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The worst upstream for secrets: its errors echo back every header and the whole body it received (some real
 * providers quote the key they were given). The first path segment picks the answer: {@code /s<status>/...} an
 * error of that status, {@code /ok/...} a Claude Messages answer, {@code /token-ok} an OAuth token answer with fresh
 * tokens, {@code /token-fail} an OAuth error. Everything received is kept for the test to inspect.
 */
final class EchoUpstream implements AutoCloseable {
    private final HttpServer server;
    private final String newAccessToken;
    private final String newRefreshToken;
    private final List<String> received = new CopyOnWriteArrayList<>();

    EchoUpstream(String newAccessToken, String newRefreshToken) throws IOException {
        this.newAccessToken = newAccessToken;
        this.newRefreshToken = newRefreshToken;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String first) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + first;
    }

    /** Every request as received: method, path, query, headers and body. */
    List<String> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String echo = ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().entrySet() + " " + body;
            received.add(echo);
            String first = ex.getRequestURI().getPath().split("/")[1];
            if (first.equals("token-ok")) {
                reply(ex, 200, "{\"access_token\":\"" + newAccessToken + "\",\"refresh_token\":\"" + newRefreshToken
                        + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
            } else if (first.equals("ok")) {
                reply(ex, 200, "{\"id\":\"msg_echo\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"hello\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}");
            } else {
                int status = first.startsWith("s") ? Integer.parseInt(first.substring(1)) : 400;
                reply(ex, status, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":" + quote("you sent: " + echo) + "}}");
            }
        }
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
