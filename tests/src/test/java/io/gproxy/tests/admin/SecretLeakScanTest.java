package io.gproxy.tests.admin;

import io.gproxy.crypto.KeyDigests;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives every list, get, error and portal endpoint, then scans every response for the seeded secrets: upstream
 * credentials, bare gateway keys, their digests, password hashes and sealed envelopes. The only responses allowed to
 * carry a secret are the deliberate ones (key creation, key reveal, credential secret, export with secrets), and
 * the test checks those do carry it, so the scan is known to be looking at the right strings.
 */
class SecretLeakScanTest {
    private static final String PLANTED = "sk-planted-in-an-invalid-body-0000";

    private static GatewayFixture gw;
    private static AdminHttp http;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        http = new AdminHttp(gw.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void noResponseOutsideTheRevealsCarriesASecret() throws Exception {
        http.admin("POST", "/admin/users", "{\"id\":1,\"password\":\"admin-secret-pw\"}");
        http.admin("POST", "/admin/users", "{\"id\":2,\"password\":\"alice-secret-pw\"}");
        String created = http.admin("POST", "/admin/users/2/keys", "{\"label\":\"scan\"}").json().path("api_key").asText();
        String session = http.login("alice", "alice-secret-pw", "10.7.0.1").sessionCookie();
        String adminSession = http.login("admin", "admin-secret-pw", "10.7.0.2").sessionCookie();

        List<String> lists = List.of("/admin/orgs", "/admin/users", "/admin/providers", "/admin/routes", "/admin/aliases",
                "/admin/price-rules", "/admin/rule-sets", "/admin/route-permissions", "/admin/rate-limits",
                "/admin/quotas", "/admin/orgs/1/teams", "/admin/providers/1/credentials", "/admin/providers/2/credentials",
                "/admin/providers/3/credentials", "/admin/providers/1/models", "/admin/providers/1/routing-rules",
                "/admin/routes/1/members", "/admin/providers/1/rule-sets", "/admin/users/1/keys", "/admin/users/2/keys",
                "/admin/instance-settings", "/admin/channels", "/admin/usage", "/admin/usage-summary",
                "/admin/usage-rollups", "/admin/audit", "/admin/export", "/admin/export?secrets=false", "/admin/me",
                "/healthz", "/version");
        for (String p : lists) {
            assertEquals(200, http.admin("GET", p, null).status(), p);
        }
        for (String p : List.of("/admin/users/1", "/admin/users/2", "/admin/credentials/1", "/admin/credentials/2",
                "/admin/credentials/3", "/admin/providers/1")) {
            assertEquals(200, http.admin("GET", p, null).status(), p);
        }
        // updates answer with views too
        http.admin("POST", "/admin/providers/1/credentials", "{\"id\":1,\"weight\":50}");
        http.admin("POST", "/admin/users", "{\"id\":2,\"enabled\":true}");
        http.admin("POST", "/admin/users/2/keys", "{\"id\":2,\"label\":\"relabelled\"}");
        // errors, with secrets in the request bodies
        http.admin("POST", "/admin/providers/1/credentials", "{\"name\":5,\"secret_json\":{\"api_key\":\"" + PLANTED + "\"}}");
        http.admin("POST", "/admin/providers/1/credentials", "{\"secret_json\":\"{not json " + PLANTED + "\"}");
        http.admin("POST", "/admin/users/2/keys", "{\"api_key\":\"" + PLANTED + "\"}");
        http.admin("POST", "/admin/users", "{\"name\":\"alice\",\"org_id\":1,\"password\":\"" + PLANTED + "\"}");
        http.admin("DELETE", "/admin/users/2", null);
        http.admin("GET", "/admin/credentials/999/secret", null);
        http.call("GET", "/admin/users", null, "authorization", "Bearer " + PLANTED);
        http.login("alice", PLANTED, "10.7.0.3");
        // portal
        for (String p : List.of("/user/me", "/user/keys", "/user/usage", "/user/usage-rollups", "/user/quota",
                "/user/rate-limits", "/user/route-permissions")) {
            assertEquals(200, http.withSession(session, "GET", p, null).status(), p);
        }
        http.withSession(session, "PATCH", "/user/keys/2", "{\"label\":\"mine\"}");
        http.withSession(adminSession, "GET", "/admin/users", null);

        // the deliberate reveals, which must carry the secrets the scan looks for
        assertTrue(http.admin("GET", "/admin/user-keys/2/reveal", null).body().contains(GatewayFixture.ALICE_KEY));
        assertTrue(http.admin("GET", "/admin/credentials/1/secret", null).body().contains(GatewayFixture.OPENAI_UPSTREAM_KEY));
        assertTrue(http.admin("GET", "/admin/export?secrets=true", null).body().contains(GatewayFixture.GEMINI_UPSTREAM_KEY));

        List<String> secrets = new ArrayList<>(List.of(GatewayFixture.OPENAI_UPSTREAM_KEY,
                GatewayFixture.ANTHROPIC_UPSTREAM_KEY, GatewayFixture.GEMINI_UPSTREAM_KEY, PLANTED, "admin-secret-pw",
                "alice-secret-pw", "pbkdf2-sha256$", "api_key_digest", "api_key_sealed", "secret_sealed", "\"alg\""));
        for (String key : List.of(AdminHttp.ADMIN_KEY, GatewayFixture.ALICE_KEY, created)) {
            secrets.add(key);
            secrets.add(KeyDigests.digest(key));
        }
        for (ConfigItem i : gw.server().gateway().store().load().items()) {
            if (i.type() == EntityType.USER && i.doc().path("password").isTextual()) {
                secrets.add(i.doc().path("password").asText());
            }
            if (i.type() == EntityType.CREDENTIAL) {
                secrets.add(i.doc().path("secret_sealed").asText());
            }
        }

        int scanned = 0;
        for (AdminHttp.Reply r : http.replies()) {
            if (deliberate(r)) {
                continue;
            }
            String all = r.body() + " " + r.headers().map();
            for (String s : secrets) {
                assertTrue(!all.contains(s), r.method() + " " + r.path() + " (" + r.status() + ") leaks " + s + ": " + r.body());
            }
            scanned++;
        }
        assertTrue(scanned > 60, "scanned " + scanned);
    }

    /** Responses whose job is to hand out a secret. */
    private static boolean deliberate(AdminHttp.Reply r) {
        if (r.path().endsWith("/reveal") || r.path().endsWith("/secret") || r.path().equals("/admin/export?secrets=true")) {
            return r.status() == 200;
        }
        boolean keyCreate = r.method().equals("POST") && r.path().matches("/admin/users/\\d+/keys") && r.status() == 201;
        return keyCreate;
    }

}
