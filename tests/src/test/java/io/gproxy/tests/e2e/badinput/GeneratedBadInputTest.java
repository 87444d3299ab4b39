package io.gproxy.tests.e2e.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property-style bad input (issue 10): a seeded generator draws a few hundred bad requests over every client route
 * and the admin routes that exist (see {@link RouteTables}). Each must be answered with a 4xx in the gateway envelope
 * with a request id, never a 5xx, a stack trace, a secret or a key digest; none may reach an upstream; and the
 * table must be exactly as it was (no counter, reservation or usage item written). Reproduce a failure with
 * {@code GPROXY_BADINPUT_SEED=<seed>} (and {@code GPROXY_BADINPUT_ROUNDS}); the message names the case.
 */
class GeneratedBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    /** Alice's key in the example bundle, and the password the test gives her. */
    private static final long ALICE_KEY_ID = 2;
    private static final String ALICE_PASSWORD = "alice-bad-input-pw";
    private static final long SEED = Long.parseLong(setting("gproxy.badinput.seed", "GPROXY_BADINPUT_SEED", "20261124"));
    private static final int ROUNDS = Integer.parseInt(setting("gproxy.badinput.rounds", "GPROXY_BADINPUT_ROUNDS", "2"));

    private static GatewayFixture gw;
    private static String sessionToken;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        sessionToken = portalSession();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void everyGeneratedBadRequestIsAClear4xxAndChangesNothing() throws Exception {
        List<Route> routes = new ArrayList<>(RouteTables.client(GatewayFixture.ALICE_KEY));
        routes.addAll(RouteTables.admin(ADMIN_KEY));
        routes.addAll(RouteTables.portal(sessionToken, ALICE_KEY_ID, ALICE_PASSWORD));
        List<BadRequest> cases = new BadInputGenerator(SEED, GatewayFixture.MAX_BODY_BYTES).generate(routes, ROUNDS);
        Set<String> tableBefore = gw.tableItems();
        gw.clearMocks();
        Map<BadInputKind, Integer> perKind = new EnumMap<>(BadInputKind.class);
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < cases.size(); i++) {
            BadRequest c = cases.get(i);
            perKind.merge(c.kind(), 1, Integer::sum);
            String what = "seed " + SEED + " case " + i + ": " + c.describe();
            try {
                check(c, send(c), what);
            } catch (AssertionError | Exception e) {
                failures.add(what + "\n    -> " + e.getMessage());
            }
            if (gw.upstreamRequestCount() > 0) {
                failures.add(what + "\n    -> reached an upstream: " + gw.openAi.lastRequest() + " " + gw.anthropic.lastRequest()
                        + " " + gw.gemini.lastRequest());
                gw.clearMocks();
            }
        }
        System.out.printf("[bad input] seed %d: %d generated requests over %d routes in %.1f s: %s%n", SEED, cases.size(),
                routes.size(), (System.nanoTime() - t0) / 1e9, perKind);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " bad requests were not a clean 4xx:\n"
                    + String.join("\n", failures));
        }
        assertTrue(cases.size() >= 300, "a few hundred cases: " + cases.size());
        assertEquals(tableBefore, gw.tableItems(), "bad input wrote to the table");
        // the portal's write bodies the cases were drawn from do succeed (own key, right password), so the 4xx above
        // were the bad input's doing, not a wrong id or password
        for (Route r : routes) {
            if (r.path().startsWith("/user/") && r.hasBody()) {
                HttpResponse<String> ok = send(new BadRequest(null, r, r.method(), r.path(), r.authHeaders(),
                        r.validBody().getBytes(java.nio.charset.StandardCharsets.UTF_8), false, ""));
                assertTrue(ok.statusCode() >= 200 && ok.statusCode() < 300, r + " with its valid body -> " + ok.statusCode()
                        + " " + abbreviate(ok.body()));
            }
        }
    }

    private static void check(BadRequest c, HttpResponse<String> r, String what) throws Exception {
        int s = r.statusCode();
        assertTrue(s >= 400 && s < 500, "status " + s + " " + abbreviate(r.body()));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("gproxy_error", body.path("error").path("type").asText(), "envelope: " + abbreviate(r.body()));
        assertTrue(!body.path("error").path("message").asText().isBlank(), "a message");
        assertTrue(r.headers().firstValue("x-gproxy-request-id").isPresent(), "request id");
        String seen = r.body() + r.headers().map();
        for (String leak : List.of("Exception", "\tat ", "io.gproxy.", "java.", "com.fasterxml", "software.amazon",
                GatewayFixture.OPENAI_UPSTREAM_KEY, GatewayFixture.ANTHROPIC_UPSTREAM_KEY, GatewayFixture.GEMINI_UPSTREAM_KEY,
                GatewayFixture.MASTER_KEY, GatewayFixture.ALICE_KEY, ADMIN_KEY, KeyDigests.digest(GatewayFixture.ALICE_KEY),
                KeyDigests.digest(ADMIN_KEY))) {
            assertTrue(!seen.contains(leak), "shows '" + leak + "': " + abbreviate(seen));
        }
    }

    private static HttpResponse<String> send(BadRequest c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + c.path())).timeout(Duration.ofSeconds(20));
        boolean contentType = false;
        for (int i = 0; i < c.headers().size(); i += 2) {
            b.header(c.headers().get(i), c.headers().get(i + 1));
            contentType |= c.headers().get(i).equalsIgnoreCase("content-type");
        }
        if (c.body() != null && !contentType) {
            b.header("content-type", "application/json");
        }
        HttpRequest.BodyPublisher publisher = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : c.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()))
                : HttpRequest.BodyPublishers.ofByteArray(c.body());
        return http.send(b.method(c.method(), publisher).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Alice gets a password and signs in: the portal routes carry her session cookie. */
    private static String portalSession() throws Exception {
        HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/admin/users"))
                .header("authorization", "Bearer " + ADMIN_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":2,\"password\":\"" + ALICE_PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, set.statusCode(), set.body());
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/admin/login"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        return cookie.substring("gproxy_session=".length(), cookie.indexOf(';'));
    }

    /** A system property, else an environment variable (surefire passes the environment through), else the default. */
    private static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv().getOrDefault(env, dflt);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
