package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 5: route permissions granted per scope (user, team, org) are a union; a call nothing grants is 403
 * before any upstream call; a disabled team denies everything; model listings show exactly what the caller may call.
 */
class PermissionsTest {
    static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    static final String BOB_KEY = "sk-example-bob-key-000000000000000000000000";
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start(root -> {
            for (String name : List.of("r-user", "r-team", "r-none")) {
                int id = 60 + List.of("r-user", "r-team", "r-none").indexOf(name);
                PipelineBundle.route(root, id, name, "failover");
                PipelineBundle.member(root, id, id, 1, 0); // the fixture's openai provider
            }
            ArrayNode perms = root.putArray("route_permissions");
            perms.addObject().put("id", 1).put("scope", "user").put("scope_id", 2).put("route_pattern", "r-user");
            perms.addObject().put("id", 2).put("scope", "team").put("scope_id", 1).put("route_pattern", "r-t*");
            perms.addObject().put("id", 3).put("scope", "org").put("scope_id", 1).put("route_pattern", "openai/*");
            ((ArrayNode) root.get("teams")).addObject().put("id", 2).put("org_id", 1).put("name", "closed").put("enabled", false);
            ((ArrayNode) root.get("users")).addObject().put("id", 3).put("name", "bob").put("org_id", 1).put("team_id", 2)
                    .put("enabled", true).put("is_admin", false);
            ((ArrayNode) root.get("user_keys")).addObject().put("id", 3).put("user_id", 3).put("api_key", BOB_KEY)
                    .put("label", "bob").put("enabled", true);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static int call(String key, String model) throws Exception {
        return PipelineHttp.post(gw.baseUrl(), "/v1/chat/completions", key, PipelineBundle.chat(model, false)).statusCode();
    }

    static List<String> listed(String key, String path) throws Exception {
        HttpResponse<String> r = PipelineHttp.get(gw.baseUrl(), path, key);
        assertEquals(200, r.statusCode(), r.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode m : PipelineBundle.JSON.readTree(r.body()).path("data")) {
            ids.add(m.path("id").asText());
        }
        return ids;
    }

    @Test
    void grantsOfEveryScopeAddUpAndEverythingElseIs403() throws Exception {
        gw.clearMocks();
        assertEquals(200, call(GatewayFixture.ALICE_KEY, "r-user"), "user grant");
        assertEquals(200, call(GatewayFixture.ALICE_KEY, "r-team"), "team grant (glob)");
        assertEquals(200, call(GatewayFixture.ALICE_KEY, "openai/gpt-4o-mini"), "org grant on provider/model");
        assertEquals(200, call(GatewayFixture.ALICE_KEY, "gpt-4o-mini"), "a global alias to openai/gpt-4o-mini");
        int served = gw.upstreamRequestCount();
        assertEquals(403, call(GatewayFixture.ALICE_KEY, "r-none"));
        assertEquals(403, call(GatewayFixture.ALICE_KEY, "fast"));
        assertEquals(403, call(GatewayFixture.ALICE_KEY, "anthropic/claude-sonnet-4-5"));
        assertEquals(403, call(ADMIN_KEY, "r-user"), "alice's grant is hers");
        assertEquals(403, call(ADMIN_KEY, "r-team"), "admin is in no team");
        assertEquals(200, call(ADMIN_KEY, "openai/gpt-4o-mini"), "the org grant reaches every member");
        assertEquals(403, call(BOB_KEY, "openai/gpt-4o-mini"), "a disabled team denies even org grants");
        assertEquals(served + 1, gw.upstreamRequestCount(), "no refused call reached an upstream");
    }

    @Test
    void listingsShowWhatTheCallerMayCall() throws Exception {
        assertEquals(List.of("openai/gpt-4o-mini", "r-team", "r-user"), listed(GatewayFixture.ALICE_KEY, "/v1/models"));
        assertEquals(List.of("openai/gpt-4o-mini"), listed(ADMIN_KEY, "/v1/models"));
        assertEquals(List.of("gpt-4o-mini"), listed(GatewayFixture.ALICE_KEY, "/openai/v1/models"));
        assertEquals(403, PipelineHttp.get(gw.baseUrl(), "/anthropic/v1/models", GatewayFixture.ALICE_KEY).statusCode());
        assertEquals(403, PipelineHttp.get(gw.baseUrl(), "/v1/models", BOB_KEY).statusCode());
        assertEquals(200, PipelineHttp.get(gw.baseUrl(), "/v1/models/r-user", GatewayFixture.ALICE_KEY).statusCode());
        assertEquals(404, PipelineHttp.get(gw.baseUrl(), "/v1/models/r-none", GatewayFixture.ALICE_KEY).statusCode(),
                "a route the caller may not call is unknown to it");
        assertTrue(PipelineHttp.get(gw.baseUrl(), "/v1/models", GatewayFixture.ALICE_KEY).body().contains("\"object\":\"list\""));
    }
}
