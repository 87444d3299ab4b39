package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gproxy.tests.admin.AdminHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API over real HTTP on the local server (DynamoDB Local): authentication and authorisation, the CRUD
 * contract (201/200/204, 400 naming the field, 404, 405 with Allow, 409 on duplicates and references), the entity
 * hooks (routing-rule seeding, channel immutability, kept secrets, generated keys) and that writes reach the
 * pipeline at once.
 */
class AdminApiTest {
    static final String ADMIN_PASSWORD = "admin-password-1";
    static final String ALICE_PASSWORD = "alice-password-1";

    private static GatewayFixture gw;
    private static AdminHttp http;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        http = new AdminHttp(gw.baseUrl());
        setPassword(1, ADMIN_PASSWORD);
        setPassword(2, ALICE_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static void setPassword(long userId, String password) throws Exception {
        AdminHttp.Reply r = http.admin("POST", "/admin/users",
                JSON.createObjectNode().put("id", userId).put("password", password).toString());
        assertEquals(200, r.status(), r.body());
    }

    // ---- authentication and authorisation

    @Test
    void noCredentialsIs401AndNonAdminKeyIs403() throws Exception {
        assertError(http.call("GET", "/admin/orgs", null), 401);
        assertError(http.call("GET", "/admin/orgs", null, "authorization", "Bearer " + GatewayFixture.ALICE_KEY), 403);
        assertError(http.call("GET", "/admin/orgs", null, "authorization", "Bearer sk-not-a-key"), 401);
        assertEquals(200, http.admin("GET", "/admin/orgs", null).status());
        assertEquals(200, http.admin("GET", "/healthz", null).status());
    }

    @Test
    void loginSetsAnHttpOnlySessionCookieAndLogoutRevokesIt() throws Exception {
        AdminHttp.Reply login = http.login("admin", ADMIN_PASSWORD, "10.0.0.1");
        assertEquals(200, login.status(), login.body());
        assertEquals("admin", login.json().at("/user/name").asText());
        assertTrue(login.json().at("/user/is_admin").asBoolean());
        String cookie = login.header("set-cookie");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("Path=/") && cookie.contains("Max-Age=43200")
                && cookie.contains("SameSite=Lax"), cookie);
        String token = login.sessionCookie();

        AdminHttp.Reply me = http.withSession(token, "GET", "/admin/me", null);
        assertEquals(200, me.status());
        assertEquals(1, me.json().path("id").asLong());
        assertEquals(1, me.json().path("org_id").asLong());

        AdminHttp.Reply out = http.withSession(token, "POST", "/admin/logout", null);
        assertEquals(204, out.status());
        assertTrue(out.header("set-cookie").contains("Max-Age=0"));
        assertError(http.withSession(token, "GET", "/admin/me", null), 401);
    }

    @Test
    void wrongPasswordUnknownUserAndPasswordlessUserAre401() throws Exception {
        assertError(http.login("admin", "wrong", "10.0.0.2"), 401);
        assertError(http.login("nobody", "whatever", "10.0.0.2"), 401);
        assertError(http.call("POST", "/admin/login", "{\"username\":\"admin\"}"), 400);
    }

    @Test
    void nonAdminSessionReachesThePortalButNotAdmin() throws Exception {
        String token = http.login("alice", ALICE_PASSWORD, "10.0.0.3").sessionCookie();
        assertNotNull(token);
        assertError(http.withSession(token, "GET", "/admin/orgs", null), 403);
        assertError(http.withSession(token, "GET", "/admin/me", null), 403);
        AdminHttp.Reply me = http.withSession(token, "GET", "/user/me", null);
        assertEquals(200, me.status());
        assertEquals("alice", me.json().path("name").asText());
        assertEquals("default", me.json().path("org_name").asText());
        assertEquals("research", me.json().path("team_name").asText());
        // the portal takes the session cookie only, never an API key
        assertError(http.call("GET", "/user/me", null, "authorization", "Bearer " + GatewayFixture.ALICE_KEY), 401);
    }

    @Test
    void disablingAUserEndsTheirSessionAtOnce() throws Exception {
        ObjectNode user = JSON.createObjectNode().put("name", "temp-user").put("org_id", 1).put("password", "pw-temp-1");
        long id = http.admin("POST", "/admin/users", user.toString()).json().path("id").asLong();
        String token = http.login("temp-user", "pw-temp-1", "10.0.0.4").sessionCookie();
        assertEquals(200, http.withSession(token, "GET", "/user/me", null).status());
        assertEquals(200, http.admin("POST", "/admin/users", "{\"id\":" + id + ",\"enabled\":false}").status());
        assertError(http.withSession(token, "GET", "/user/me", null), 401);
    }

    @Test
    void demotingAnAdminTakesAdminAccessAway() throws Exception {
        ObjectNode user = JSON.createObjectNode().put("name", "temp-admin").put("org_id", 1).put("password", "pw-admin-2")
                .put("is_admin", true);
        long id = http.admin("POST", "/admin/users", user.toString()).json().path("id").asLong();
        String token = http.login("temp-admin", "pw-admin-2", "10.0.0.5").sessionCookie();
        assertEquals(200, http.withSession(token, "GET", "/admin/orgs", null).status());
        assertEquals(200, http.admin("POST", "/admin/users", "{\"id\":" + id + ",\"is_admin\":false}").status());
        assertError(http.withSession(token, "GET", "/admin/orgs", null), 403);
    }

    // ---- the CRUD contract

    @Test
    void orgLifecycle() throws Exception {
        AdminHttp.Reply created = http.admin("POST", "/admin/orgs", "{\"name\":\"acme\",\"description\":\"d\"}");
        assertEquals(201, created.status(), created.body());
        long id = created.json().path("id").asLong();
        assertTrue(id > 0);
        assertTrue(created.json().path("enabled").asBoolean(), "schema default applied");

        assertEquals("acme", http.admin("GET", "/admin/orgs/" + id, null).json().path("name").asText());
        AdminHttp.Reply updated = http.admin("POST", "/admin/orgs", "{\"id\":" + id + ",\"description\":\"new\"}");
        assertEquals(200, updated.status());
        assertEquals("acme", updated.json().path("name").asText(), "fields not sent are kept");
        assertEquals("new", updated.json().path("description").asText());

        JsonNode list = http.admin("GET", "/admin/orgs", null).json().path("items");
        List<Long> ids = new ArrayList<>();
        list.forEach(o -> ids.add(o.path("id").asLong()));
        assertEquals(ids.stream().sorted().toList(), ids, "lists are sorted by id");
        assertTrue(ids.contains(id));

        assertEquals(204, http.admin("DELETE", "/admin/orgs/" + id, null).status());
        assertError(http.admin("GET", "/admin/orgs/" + id, null), 404);
        assertError(http.admin("DELETE", "/admin/orgs/" + id, null), 404);
    }

    @Test
    void validationErrorsNameTheField() throws Exception {
        AdminHttp.Reply r = http.admin("POST", "/admin/orgs", "{\"name\":42}");
        assertError(r, 400);
        assertTrue(r.json().at("/error/message").asText().contains("name"), r.body());
        AdminHttp.Reply missing = http.admin("POST", "/admin/routes", "{\"strategy\":\"failover\"}");
        assertError(missing, 400);
        assertTrue(missing.json().at("/error/message").asText().contains("name"), missing.body());
        AdminHttp.Reply badRef = http.admin("POST", "/admin/users", "{\"name\":\"x\",\"org_id\":999}");
        assertError(badRef, 400);
        assertTrue(badRef.json().at("/error/message").asText().contains("org_id"), badRef.body());
        assertError(http.admin("POST", "/admin/orgs", "not json"), 400);
        assertError(http.admin("POST", "/admin/users", "{\"id\":2,\"password\":\"  \"}"), 400);
    }

    @Test
    void updateOfAMissingRowIs404() throws Exception {
        assertError(http.admin("POST", "/admin/orgs", "{\"id\":987654,\"name\":\"ghost\"}"), 404);
        assertError(http.admin("GET", "/admin/orgs/abc", null), 404);
        assertError(http.admin("GET", "/admin/nothing-here", null), 404);
    }

    @Test
    void unknownMethodOnAKnownPathIs405WithAllow() throws Exception {
        AdminHttp.Reply r = http.admin("PUT", "/admin/orgs", "{}");
        assertError(r, 405);
        assertEquals("GET, POST", r.header("allow"));
        AdminHttp.Reply item = http.admin("PATCH", "/admin/orgs/1", "{}");
        assertError(item, 405);
        assertEquals("GET, DELETE", item.header("allow"));
    }

    @Test
    void duplicatesAre409() throws Exception {
        assertError(http.admin("POST", "/admin/orgs", "{\"name\":\"default\"}"), 409);
        assertError(http.admin("POST", "/admin/providers", "{\"name\":\"openai\",\"channel\":\"openai\"}"), 409);
        assertError(http.admin("POST", "/admin/routes", "{\"name\":\"fast\"}"), 409);
    }

    @Test
    void deletingAReferencedRowIs409NamingTheReferences() throws Exception {
        AdminHttp.Reply org = http.admin("DELETE", "/admin/orgs/1", null);
        assertError(org, 409);
        assertTrue(org.json().at("/error/message").asText().contains("users"), org.body());
        AdminHttp.Reply provider = http.admin("DELETE", "/admin/providers/1", null);
        assertError(provider, 409);
        String msg = provider.json().at("/error/message").asText();
        assertTrue(msg.contains("credentials 1") && msg.contains("route_members 2"), msg);
        assertEquals(200, http.admin("GET", "/admin/providers/1", null).status(), "nothing was deleted");
        // renaming a provider that aliases name would orphan them
        http.admin("POST", "/admin/aliases", "{\"provider\":\"anthropic\",\"alias\":\"son(.*)\",\"target\":\"claude-son$1\"}");
        AdminHttp.Reply rename = http.admin("POST", "/admin/providers", "{\"id\":2,\"name\":\"anthropic2\"}");
        assertError(rename, 409);
        assertTrue(rename.json().at("/error/message").asText().contains("aliases"), rename.body());
    }

    @Test
    void teamsNestUnderTheirOrg() throws Exception {
        AdminHttp.Reply t = http.admin("POST", "/admin/orgs/1/teams", "{\"name\":\"ops\"}");
        assertEquals(201, t.status(), t.body());
        assertEquals(1, t.json().path("org_id").asLong());
        JsonNode teams = http.admin("GET", "/admin/orgs/1/teams", null).json().path("items");
        assertTrue(teams.size() >= 2);
        assertError(http.admin("GET", "/admin/orgs/4242/teams", null), 404);
        assertEquals(204, http.admin("DELETE", "/admin/teams/" + t.json().path("id").asLong(), null).status());
    }


    /** One lifecycle per collection: create (201), get, listed, update (200), 405, delete (204), then 404. */
    @Test
    void everyCollectionSupportsTheFullLifecycle() throws Exception {
        long ruleSet = http.admin("POST", "/admin/rule-sets", "{\"name\":\"lifecycle-rs\"}").json().path("id").asLong();
        JsonNode seeded = http.admin("GET", "/admin/providers/1/routing-rules", null).json().path("items").get(0);
        String[][] cases = {
                // collection, item prefix, create body, update field, update value (JSON)
                {"/admin/orgs", "/admin/orgs/", "{\"name\":\"lc-org\"}", "description", "\"d\""},
                {"/admin/orgs/1/teams", "/admin/teams/", "{\"name\":\"lc-team\"}", "enabled", "false"},
                {"/admin/users", "/admin/users/", "{\"name\":\"lc-user\",\"org_id\":1,\"team_id\":1}", "is_admin", "true"},
                {"/admin/users/2/keys", "/admin/user-keys/", "{\"label\":\"lc\"}", "label", "\"lc2\""},
                {"/admin/providers", "/admin/providers/", "{\"name\":\"lc-prov\",\"channel\":\"xai\"}", "label", "\"X\""},
                {"/admin/providers/1/credentials", "/admin/credentials/", "{\"secret_json\":{\"api_key\":\"k\"}}", "weight", "7"},
                {"/admin/providers/1/models", "/admin/provider-models/", "{\"model_id\":\"lc-model\"}", "context_window", "1000"},
                {"/admin/providers/1/routing-rules", "/admin/routing-rules/", "{\"operation\":\"" + seeded.path("operation").asText()
                        + "\",\"kind\":\"" + seeded.path("kind").asText() + "\",\"implementation\":\"unsupported\"}", "sort_order", "9"},
                {"/admin/providers/1/rule-sets", "/admin/provider-rule-sets/", "{\"rule_set_id\":" + ruleSet + "}", "sort_order", "3"},
                {"/admin/routes", "/admin/routes/", "{\"name\":\"lc-route\",\"strategy\":\"weighted\"}", "description", "\"d\""},
                {"/admin/routes/1/members", "/admin/route-members/", "{\"provider_id\":2,\"upstream_model_id\":\"m\"}", "tier", "2"},
                {"/admin/aliases", "/admin/aliases/", "{\"provider\":\"openai\",\"alias\":\"lc-(.*)\",\"target\":\"gpt-$1\"}", "sort_order", "4"},
                {"/admin/price-rules", "/admin/price-rules/", "{\"match_type\":\"exact\",\"model_match\":\"lc\",\"input_price\":1.5}", "output_price", "\"2\""},
                {"/admin/rule-sets", "/admin/rule-sets/", "{\"name\":\"lc-rs2\"}", "description", "\"d\""},
                {"/admin/rule-sets/" + ruleSet + "/rules", "/admin/rules/", "{\"kind\":\"system_text\",\"config_json\":{\"text\":\"hi\"}}", "sort_order", "5"},
                {"/admin/route-permissions", "/admin/route-permissions/", "{\"scope\":\"user\",\"scope_id\":2,\"route_pattern\":\"fast\"}", "route_pattern", "\"smart\""},
                {"/admin/rate-limits", "/admin/rate-limits/", "{\"scope\":\"org\",\"scope_id\":1,\"rpm\":5}", "rpd", "50"},
                {"/admin/quotas", "/admin/quotas/", "{\"scope\":\"team\",\"scope_id\":1,\"quota_daily\":\"2.5\"}", "quota_total", "\"10\""},
        };
        for (String[] c : cases) {
            String where = c[0];
            AdminHttp.Reply created = http.admin("POST", c[0], c[2]);
            assertEquals(201, created.status(), where + ": " + created.body());
            long id = created.json().path("id").asLong();
            assertEquals(id, http.admin("GET", c[1] + id, null).json().path("id").asLong(), where);
            assertTrue(http.admin("GET", c[0], null).json().path("items").findValues("id").stream()
                    .anyMatch(v -> v.asLong() == id), where + " lists the new row");
            AdminHttp.Reply updated = http.admin("POST", c[0], "{\"id\":" + id + ",\"" + c[3] + "\":" + c[4] + "}");
            assertEquals(200, updated.status(), where + ": " + updated.body());
            assertEquals(JSON.readTree(c[4]).asText(), updated.json().path(c[3]).asText(), where);
            assertEquals(405, http.admin("PUT", c[1] + id, "{}").status(), where);
            assertEquals(204, http.admin("DELETE", c[1] + id, null).status(), where);
            assertError(http.admin("GET", c[1] + id, null), 404);
            assertError(http.admin("DELETE", c[1] + id, null), 404);
            assertError(http.admin("POST", c[0], "{\"id\":" + id + "}"), 404);
        }
    }

    // ---- entity hooks

    @Test
    void providerCreateSeedsRoutingRulesAndChannelIsImmutable() throws Exception {
        AdminHttp.Reply p = http.admin("POST", "/admin/providers",
                "{\"name\":\"groq-test\",\"channel\":\"groq\",\"settings_json\":{\"base_url\":\"http://127.0.0.1:9\"}}");
        assertEquals(201, p.status(), p.body());
        long id = p.json().path("id").asLong();
        JsonNode rules = http.admin("GET", "/admin/providers/" + id + "/routing-rules", null).json().path("items");
        assertTrue(rules.size() > 0, "channel defaults seeded");

        AdminHttp.Reply change = http.admin("POST", "/admin/providers", "{\"id\":" + id + ",\"channel\":\"openai\"}");
        assertError(change, 400);
        assertTrue(change.json().at("/error/message").asText().contains("channel"));

        long ruleId = rules.get(0).path("id").asLong();
        assertEquals(204, http.admin("DELETE", "/admin/routing-rules/" + ruleId, null).status());
        AdminHttp.Reply reset = http.admin("POST", "/admin/providers/" + id + "/routing-rules/reset", null);
        assertEquals(200, reset.status(), reset.body());
        assertEquals(rules.size(), reset.json().path("items").size());
        // a provider owns its routing rules and catalogue: they go with it
        assertEquals(204, http.admin("DELETE", "/admin/providers/" + id, null).status());
        assertError(http.admin("GET", "/admin/providers/" + id + "/routing-rules", null), 404);
    }

    @Test
    void credentialSecretsAreSealedRedactedKeptAndRevealable() throws Exception {
        AdminHttp.Reply c = http.admin("POST", "/admin/providers/1/credentials",
                "{\"name\":\"second\",\"secret_json\":{\"api_key\":\"sk-second-upstream\"}}");
        assertEquals(201, c.status(), c.body());
        assertTrue(c.json().path("has_secret").asBoolean());
        assertFalse(c.body().contains("sk-second-upstream"));
        long id = c.json().path("id").asLong();

        AdminHttp.Reply renamed = http.admin("POST", "/admin/providers/1/credentials",
                "{\"id\":" + id + ",\"name\":\"renamed\",\"has_secret\":true}");
        assertEquals(200, renamed.status(), renamed.body());
        AdminHttp.Reply secret = http.admin("GET", "/admin/credentials/" + id + "/secret", null);
        assertEquals("sk-second-upstream", secret.json().at("/secret_json/api_key").asText(), "omitted secret is kept");

        assertError(http.admin("POST", "/admin/providers/2/credentials", "{\"id\":" + id + ",\"name\":\"x\"}"), 404);
        assertEquals(204, http.admin("DELETE", "/admin/credentials/" + id, null).status());
    }

    @Test
    void settingsThatCannotWorkAreRefusedWhenWritten() throws Exception {
        AdminHttp.Reply proxy = http.admin("POST", "/admin/providers/1/credentials",
                "{\"name\":\"proxied\",\"secret_json\":{\"api_key\":\"sk-x\"},\"proxy_url\":\"socks5://u:pr0xy-pw@10.0.0.1:1080\"}");
        assertError(proxy, 400);
        assertTrue(proxy.body().contains("proxy_url"), proxy.body());
        assertFalse(proxy.body().contains("pr0xy-pw"), "the value is never echoed: " + proxy.body());
        AdminHttp.Reply base = http.admin("POST", "/admin/providers",
                "{\"name\":\"nowhere\",\"channel\":\"openai\",\"settings_json\":{\"base_url\":\"api.example.com/v1\"}}");
        assertError(base, 400);
        assertTrue(base.body().contains("base_url"), base.body());
        AdminHttp.Reply list = http.admin("GET", "/admin/providers", null);
        assertFalse(list.body().contains("nowhere"), "nothing was written");
    }

    @Test
    void userKeysAreGeneratedShownOnceAndTakeEffectForThePipeline() throws Exception {
        assertError(http.admin("POST", "/admin/users/2/keys", "{\"label\":\"mine\",\"api_key\":\"sk-chosen\"}"), 400);
        AdminHttp.Reply k = http.admin("POST", "/admin/users/2/keys", "{\"label\":\"ci\"}");
        assertEquals(201, k.status(), k.body());
        String key = k.json().path("api_key").asText();
        assertTrue(key.startsWith("sk-") && key.length() > 40, key);
        long id = k.json().path("id").asLong();
        assertEquals("sk-\u2026" + key.substring(key.length() - 4), k.json().path("key_preview").asText());

        JsonNode listed = http.admin("GET", "/admin/users/2/keys", null).json().path("items");
        assertTrue(listed.toString().contains("\"id\":" + id));
        assertFalse(listed.toString().contains(key));
        assertEquals(key, http.admin("GET", "/admin/user-keys/" + id + "/reveal", null).json().path("api_key").asText());

        // the write is visible to the gateway's next request: the new key authenticates
        assertEquals(200, http.call("GET", "/v1/models", null, "authorization", "Bearer " + key).status());
        AdminHttp.Reply disabled = http.admin("POST", "/admin/users/2/keys", "{\"id\":" + id + ",\"enabled\":false}");
        assertEquals(200, disabled.status(), disabled.body());
        assertFalse(disabled.body().contains("api_key\""), "no bare key on update");
        assertEquals(401, http.call("GET", "/v1/models", null, "authorization", "Bearer " + key).status());
        assertEquals(key, http.admin("GET", "/admin/user-keys/" + id + "/reveal", null).json().path("api_key").asText(),
                "update keeps the key");
        assertEquals(204, http.admin("DELETE", "/admin/user-keys/" + id, null).status());
    }

    @Test
    void instanceSettingsAndChannels() throws Exception {
        AdminHttp.Reply s = http.admin("GET", "/admin/instance-settings", null);
        assertEquals(30, s.json().path("retention_days").asInt());
        AdminHttp.Reply w = http.admin("POST", "/admin/instance-settings", "{\"retention_days\":45}");
        assertEquals(200, w.status(), w.body());
        assertEquals(45, http.admin("GET", "/admin/instance-settings", null).json().path("retention_days").asInt());
        assertEquals("default", w.json().path("instance_name").asText());
        assertError(http.admin("POST", "/admin/instance-settings", "{\"retention_days\":\"x\"}"), 400);
        http.admin("POST", "/admin/instance-settings", "{\"retention_days\":30}");

        JsonNode channels = http.admin("GET", "/admin/channels", null).json().path("items");
        assertTrue(channels.size() >= 16);
        JsonNode openai = null;
        for (JsonNode c : channels) {
            if (c.path("id").asText().equals("openai")) {
                openai = c;
            }
        }
        assertNotNull(openai);
        assertTrue(openai.path("credential_kinds").isArray() && openai.path("secret_fields").isArray()
                && openai.path("settings_fields").isArray() && openai.hasNonNull("display_name"));
    }

    @Test
    void upstreamModelsPullsLiveAndStoresNewIds() throws Exception {
        gw.openAi.clear();
        AdminHttp.Reply r = http.admin("GET", "/admin/providers/1/upstream-models", null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().path("items").size() > 0, r.body());
        String source = r.json().path("source").asText();
        assertTrue(source.equals("upstream") || source.equals("stored"), source);
        int added = r.json().path("added").asInt();
        JsonNode stored = http.admin("GET", "/admin/providers/1/models", null).json().path("items");
        assertTrue(stored.size() >= 1 + added);
        assertError(http.admin("GET", "/admin/providers/999/upstream-models", null), 404);
    }

    @Test
    void pipelineStoresAnswer() throws Exception {
        assertEquals(200, http.admin("GET", "/admin/logs", null).status());
        assertEquals(200, http.admin("GET", "/admin/credential-statuses", null).status());
        assertError(http.admin("GET", "/admin/credentials/999999/status", null), 404);
    }

    static void assertError(AdminHttp.Reply r, int status) {
        assertEquals(status, r.status(), r.method() + " " + r.path() + ": " + r.body());
        JsonNode e = r.json().path("error");
        assertEquals("gproxy_error", e.path("type").asText(), r.body());
        assertFalse(e.path("message").asText().isEmpty());
        assertNull(null);
    }
}
