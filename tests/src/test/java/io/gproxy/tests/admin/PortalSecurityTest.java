package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.gproxy.tests.admin.AdminApiTest.assertError;
import static io.gproxy.tests.admin.AdminHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portal's isolation (a user never reaches another user's keys: 404), CSRF on cookie-carrying writes, the
 * login throttle (5 failures per 60 s per user name and per client IP, 429 with Retry-After) and password change.
 */
class PortalSecurityTest {
    private static GatewayFixture gw;
    private static AdminHttp http;
    private static String alice;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        http = new AdminHttp(gw.baseUrl());
        for (String[] u : new String[][]{{"1", "admin-pw-1"}, {"2", "alice-pw-1"}}) {
            assertEquals(200, http.admin("POST", "/admin/users", "{\"id\":" + u[0] + ",\"password\":\"" + u[1] + "\"}").status());
        }
        alice = http.login("alice", "alice-pw-1", "10.1.0.1").sessionCookie();
        admin = http.login("admin", "admin-pw-1", "10.1.0.1").sessionCookie();
        assertNotNull(alice);
        assertNotNull(admin);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void portalKeysAreTheCallersOwn() throws Exception {
        AdminHttp.Reply created = http.withSession(alice, "POST", "/user/keys", "{\"label\":\"portal\",\"user_id\":1}");
        assertEquals(201, created.status(), created.body());
        assertEquals(2, created.json().path("user_id").asLong(), "user id comes from the session");
        String key = created.json().path("api_key").asText();
        long id = created.json().path("id").asLong();
        JsonNode own = http.withSession(alice, "GET", "/user/keys", null).json().path("items");
        for (JsonNode k : own) {
            assertEquals(2, k.path("user_id").asLong());
        }
        assertFalse(own.toString().contains(key));

        AdminHttp.Reply patched = http.withSession(alice, "PATCH", "/user/keys/" + id, "{\"label\":\"renamed\",\"enabled\":false}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("renamed", patched.json().path("label").asText());
        assertEquals(401, http.call("GET", "/v1/models", null, "authorization", "Bearer " + key).status());
        assertEquals(204, http.withSession(alice, "DELETE", "/user/keys/" + id, null).status());
        assertError(http.withSession(alice, "DELETE", "/user/keys/" + id, null), 404);
    }

    @Test
    void anotherUsersKeyIs404() throws Exception {
        // key 1 belongs to admin (user 1)
        assertError(http.withSession(alice, "PATCH", "/user/keys/1", "{\"enabled\":false}"), 404);
        assertError(http.withSession(alice, "DELETE", "/user/keys/1", null), 404);
        assertEquals(200, http.call("GET", "/v1/models", null, "authorization", "Bearer " + AdminHttp.ADMIN_KEY).status(),
                "admin's key untouched");
        JsonNode own = http.withSession(alice, "GET", "/user/keys", null).json().path("items");
        assertFalse(own.toString().contains("\"id\":1,"), own.toString());
    }

    @Test
    void effectiveLimitsAreTaggedWithTheirSource() throws Exception {
        JsonNode quota = http.withSession(alice, "GET", "/user/quota", null).json().path("items");
        assertEquals(1, quota.size());
        assertEquals("user", quota.get(0).path("source").asText());
        JsonNode limits = http.withSession(alice, "GET", "/user/rate-limits", null).json().path("items");
        assertEquals("team", limits.get(0).path("source").asText());
        JsonNode perms = http.withSession(alice, "GET", "/user/route-permissions", null).json().path("items");
        assertEquals("org", perms.get(0).path("source").asText());
        // admin (no team) sees only the org's permission and no quota
        assertEquals(0, http.withSession(admin, "GET", "/user/quota", null).json().path("items").size());
    }

    @Test
    void crossOriginWritesWithTheCookieAreRefused() throws Exception {
        String body = "{\"name\":\"csrf-org\"}";
        assertError(http.withSession(admin, "POST", "/admin/orgs", body, "origin", "https://evil.example"), 403);
        assertError(http.withSession(admin, "POST", "/admin/orgs", body, "origin", "null"), 403);
        assertError(http.withSession(admin, "POST", "/admin/orgs", body, "referer", "https://evil.example/page"), 403);
        assertError(http.withSession(alice, "POST", "/user/keys", "{}", "origin", "https://evil.example"), 403);
        assertEquals(0, http.admin("GET", "/admin/orgs", null).json().path("items").findValues("name").stream()
                .filter(n -> n.asText().equals("csrf-org")).count(), "nothing was written");

        String self = gw.baseUrl();
        assertError(http.withSession(admin, "POST", "/admin/orgs", body, "origin", self, "sec-fetch-site", "cross-site"), 403);
        AdminHttp.Reply same = http.withSession(admin, "POST", "/admin/orgs", body, "origin", self);
        assertEquals(201, same.status(), same.body());
        AdminHttp.Reply none = http.withSession(admin, "POST", "/admin/orgs", "{\"name\":\"csrf-org-2\"}");
        assertEquals(201, none.status(), "no Origin and no Referer: allowed");
        // API-key writes carry no cookie and are not subject to the check
        assertEquals(201, http.call("POST", "/admin/orgs", "{\"name\":\"csrf-org-3\"}", "authorization",
                "Bearer " + AdminHttp.ADMIN_KEY, "origin", "https://evil.example").status());
    }

    @Test
    void fiveFailuresPerUserLockTheUserOutWith429() throws Exception {
        assertEquals(201, http.admin("POST", "/admin/users", "{\"name\":\"victim\",\"org_id\":1,\"password\":\"right-pw\"}").status());
        for (int i = 0; i < 5; i++) {
            // a different address each time: only the per-user counter can trip
            assertError(http.login("victim", "wrong", "10.2.0." + i), 401);
        }
        AdminHttp.Reply locked = http.login("victim", "right-pw", "10.2.0.99");
        assertError(locked, 429);
        long retryAfter = Long.parseLong(locked.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 61, "Retry-After " + retryAfter);
    }

    @Test
    void fiveFailuresPerIpLockTheAddressOutWith429() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertError(http.login("sprayed-" + i, "wrong", "10.3.0.1"), 401);
        }
        AdminHttp.Reply locked = http.login("alice", "alice-pw-1", "10.3.0.1");
        assertError(locked, 429);
        assertNotNull(locked.header("retry-after"));
        assertEquals(200, http.login("alice", "alice-pw-1", "10.3.0.2").status(), "other addresses are not affected");
    }

    @Test
    void changePasswordChecksTheCurrentOne() throws Exception {
        assertEquals(201, http.admin("POST", "/admin/users", "{\"name\":\"changer\",\"org_id\":1,\"password\":\"old-pw\"}").status());
        String token = http.login("changer", "old-pw", "10.4.0.1").sessionCookie();
        assertError(http.withSession(token, "POST", "/user/change-password", "{\"current\":\"nope\",\"new\":\"x-pw\"}"), 403);
        assertError(http.withSession(token, "POST", "/user/change-password", "{\"current\":\"old-pw\",\"new\":\" \"}"), 400);
        // a field the change does not apply is refused, not dropped: the password stays old-pw (the next line shows it)
        assertError(http.withSession(token, "POST", "/user/change-password",
                "{\"current\":\"old-pw\",\"new\":\"x-pw\",\"model\":123}"), 400);
        assertEquals(204, http.withSession(token, "POST", "/user/change-password", "{\"current\":\"old-pw\",\"new\":\"new-pw\"}").status());
        assertEquals(200, http.withSession(token, "GET", "/user/me", null).status(), "the session is kept");
        assertError(http.login("changer", "old-pw", "10.4.0.2"), 401);
        assertEquals(200, http.login("changer", "new-pw", "10.4.0.3").status());
    }

    @Test
    void sessionsAreStoredOnlyAsDigests() throws Exception {
        String token = http.login("alice", "alice-pw-1", "10.5.0.1").sessionCookie();
        var ddb = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create(gw.server().dynamoEndpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
        try (ddb) {
            var items = ddb.scan(s -> s.tableName("gproxy")).items();
            String all = items.toString();
            assertFalse(all.contains(token), "the bare token is never stored");
            assertTrue(all.contains("SESS#" + io.gproxy.crypto.KeyDigests.digest(token)));
            var session = items.stream().filter(i -> i.get("pk").s().equals("SESS#" + io.gproxy.crypto.KeyDigests.digest(token)))
                    .findFirst().orElseThrow();
            long ttl = Long.parseLong(session.get("ttl").n());
            long now = java.time.Instant.now().getEpochSecond();
            assertTrue(Math.abs(ttl - (now + 43200)) < 120, "12 h TTL");
        }
        assertEquals(JSON.createObjectNode().size(), 0);
    }
}
