package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small HTTP client for the admin API tests: real HTTP against the local server, every reply recorded so a test
 * can scan all of them for leaked secrets.
 */
final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";

    record Reply(String method, String path, int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(method + " " + path + " did not answer JSON: " + body);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The session token from Set-Cookie, or null. */
        String sessionCookie() {
            String c = header("set-cookie");
            if (c == null || !c.startsWith("gproxy_session=")) {
                return null;
            }
            return c.substring("gproxy_session=".length(), c.indexOf(';'));
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final List<Reply> replies = Collections.synchronizedList(new ArrayList<>());

    AdminHttp(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** {@code headers} are name/value pairs. */
    Reply call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Reply reply = new Reply(method, path, r.statusCode(), r.headers(), r.body());
        replies.add(reply);
        return reply;
    }

    Reply admin(String method, String path, String body) throws Exception {
        return call(method, path, body, "authorization", "Bearer " + ADMIN_KEY);
    }

    Reply withSession(String token, String method, String path, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "cookie";
        all[1] = "gproxy_session=" + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return call(method, path, body, all);
    }

    /** Logs in from its own client address (x-real-ip, trusted from loopback) so tests do not share IP throttles. */
    Reply login(String user, String password, String ip) throws Exception {
        return call("POST", "/admin/login", JSON.createObjectNode().put("username", user).put("password", password)
                .toString(), "x-real-ip", ip);
    }

    List<Reply> replies() {
        synchronized (replies) {
            return List.copyOf(replies);
        }
    }
}
