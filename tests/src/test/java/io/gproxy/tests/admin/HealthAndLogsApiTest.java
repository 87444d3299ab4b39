package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credential health and captured request logs through the admin API: a 429 with Retry-After shows as a cooldown,
 * a reset clears it (and the next request goes to the credential again), and a captured request lists with its
 * attempts and dispositions, redacted.
 */
class HealthAndLogsApiTest {
    private static GatewayFixture gw;
    private static AdminHttp http;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().editBundle(bundle -> {
            for (var s : bundle.withArray("instance_settings")) {
                ((ObjectNode) s).put("enable_downstream_log", true).put("enable_upstream_log", true)
                        .put("enable_upstream_log_body", true);
            }
        }).start();
        http = new AdminHttp(gw.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void aCooldownShowsAndAResetClearsIt() throws Exception {
        gw.openAi.failNext(429, Map.of("retry-after", "120"));
        HttpResponse<String> limited = chat();
        assertEquals(429, limited.statusCode(), limited.body());

        JsonNode statuses = http.admin("GET", "/admin/credential-statuses", null).json().path("items");
        JsonNode entry = null;
        for (JsonNode s : statuses) {
            if (s.path("credential_id").asLong() == 1) {
                entry = s;
            }
        }
        assertTrue(entry != null, statuses.toString());
        assertEquals("cooldown", entry.path("state").asText());
        assertEquals(1, http.admin("GET", "/admin/credentials/1/status", null).json().path("items").size());
        assertEquals(503, chat().statusCode(), "cooled: no upstream call");

        assertEquals(204, http.admin("DELETE", "/admin/credentials/1/status", null).status());
        assertEquals(0, http.admin("GET", "/admin/credentials/1/status", null).json().path("items").size());
        assertEquals(200, chat().statusCode(), "the reset credential serves again");

        assertEquals(404, http.admin("DELETE", "/admin/credentials/999/status", null).status());
        assertEquals(403, http.call("GET", "/admin/credential-statuses", null,
                "authorization", "Bearer " + GatewayFixture.ALICE_KEY).status());
    }

    @Test
    void capturedRequestsListWithTheirAttempts() throws Exception {
        HttpResponse<String> ok = chat();
        assertEquals(200, ok.statusCode());
        String id = ok.headers().firstValue("x-gproxy-request-id").orElseThrow();

        // the capture is written after the last byte, so it may trail the answer a little
        JsonNode list = null;
        boolean found = false;
        for (long deadline = System.nanoTime() + 5_000_000_000L; !found && System.nanoTime() < deadline; Thread.sleep(50)) {
            list = http.admin("GET", "/admin/logs?limit=20", null).json().path("items");
            for (JsonNode n : list) {
                found |= n.path("request_id").asText().equals(id);
            }
        }
        assertTrue(found, String.valueOf(list));
        AdminHttp.Reply one = http.admin("GET", "/admin/logs/" + id, null);
        assertEquals(200, one.status(), one.body());
        assertEquals("/v1/chat/completions", one.json().at("/downstream/path").asText());
        assertEquals("success", one.json().at("/upstream/0/disposition").asText());
        assertFalse(one.body().contains(GatewayFixture.ALICE_KEY) || one.body().contains(GatewayFixture.OPENAI_UPSTREAM_KEY),
                "redacted");
        assertEquals(404, http.admin("GET", "/admin/logs/req-none", null).status());
    }

    private static HttpResponse<String> chat() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.ALICE_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
