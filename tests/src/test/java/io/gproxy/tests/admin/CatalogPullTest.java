package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4's model catalogue through the admin API: a live pull from the provider stores the ids it did not know
 * and deletes none; when the provider fails, the stored list is served and nothing changes.
 */
class CatalogPullTest {
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
    void liveListAddsNewIdsKeepsOldOnesAndFallsBackToTheStoredList() throws Exception {
        // a model the provider no longer lists: a live pull must not delete it
        AdminHttp.Reply custom = http.admin("POST", "/admin/providers/1/models", "{\"model_id\":\"my-fine-tune\"}");
        assertEquals(201, custom.status(), custom.body());
        Set<String> before = modelIds();

        AdminHttp.Reply live = http.admin("GET", "/admin/providers/1/upstream-models", null);
        assertEquals(200, live.status(), live.body());
        assertEquals("upstream", live.json().path("source").asText(), live.body());
        assertEquals("GET /v1/models", gw.openAi.lastRequest().method() + " " + gw.openAi.lastRequest().path());
        Set<String> listed = new HashSet<>();
        live.json().path("items").forEach(m -> listed.add(m.path("model_id").asText()));
        Set<String> after = modelIds();
        assertTrue(after.containsAll(before), "none deleted: " + before + " -> " + after);
        assertTrue(after.containsAll(listed), "every listed id stored: " + listed + " -> " + after);
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        assertEquals(added.size(), live.json().path("added").asInt(), live.body());
        assertTrue(added.size() > 0, "the mock lists ids the bundle did not have");

        gw.openAi.failNext(500);
        AdminHttp.Reply fallback = http.admin("GET", "/admin/providers/1/upstream-models", null);
        assertEquals(200, fallback.status(), fallback.body());
        assertEquals("stored", fallback.json().path("source").asText());
        assertEquals(0, fallback.json().path("added").asInt());
        assertEquals(after, modelIds());
    }

    private static Set<String> modelIds() throws Exception {
        Set<String> ids = new HashSet<>();
        for (JsonNode m : http.admin("GET", "/admin/providers/1/models", null).json().path("items")) {
            ids.add(m.path("model_id").asText());
        }
        return ids;
    }
}
