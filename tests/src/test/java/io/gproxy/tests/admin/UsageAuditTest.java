package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.store.CounterStore;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.usage.Ended;
import io.gproxy.usage.Rollups;
import io.gproxy.usage.UsageRecord;
import io.gproxy.usage.UsageSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.gproxy.tests.admin.AdminApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage, rollups and the audit log read back over HTTP. Usage is seeded through the production settlement path
 * ({@link CounterStore#settle} with the record and its rollups), spread over several days, so pagination crosses
 * day partitions.
 */
class UsageAuditTest {
    /** Alice's records (user 2) and admin's (user 1), newest first by construction. */
    private static final int ALICE_RECORDS = 7;
    private static final int ADMIN_RECORDS = 4;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static GatewayFixture gw;
    private static AdminHttp http;
    private static String alice;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        http = new AdminHttp(gw.baseUrl());
        CounterStore counters = gw.server().gateway().counters();
        for (int i = 0; i < ALICE_RECORDS; i++) {
            settle(counters, record("alice-" + i, NOW.minus(Duration.ofHours(9L * i + 1)), 2, 1L, "fast", 1, "gpt-4o-mini"));
        }
        for (int i = 0; i < ADMIN_RECORDS; i++) {
            settle(counters, record("admin-" + i, NOW.minus(Duration.ofHours(13L * i + 2)), 1, null, "smart", 2,
                    "claude-sonnet-4-5"));
        }
        assertEquals(200, http.admin("POST", "/admin/users", "{\"id\":2,\"password\":\"alice-pw\"}").status());
        alice = http.login("alice", "alice-pw", "10.9.0.1").sessionCookie();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static UsageRecord record(String id, Instant at, long user, Long team, String route, long provider, String model) {
        return new UsageRecord(id, at, user, user, 1, team, route, provider, provider == 1 ? "openai" : "anthropic",
                provider, "generate_content", "openai_chat", model, 100, 20, 10, 1, 0, 0, 0, 0,
                new BigDecimal("0.000123"), 123, 200, 50, UsageSource.UPSTREAM, Ended.COMPLETE);
    }

    private static void settle(CounterStore counters, UsageRecord r) {
        assertTrue(counters.settle(r.requestId(), false, Rollups.of(r, 30), List.of(r.toStored(30)),
                NOW.getEpochSecond() + 86400));
    }

    @Test
    void usagePagesNewestFirstAcrossDaysWithACursor() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> times = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AdminHttp.Reply r = http.admin("GET", "/admin/usage?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, r.status(), r.body());
            JsonNode page = r.json();
            assertTrue(page.path("items").size() <= 3);
            page.path("items").forEach(i -> {
                ids.add(i.path("request_id").asText());
                times.add(i.path("at").asText());
            });
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 20);
        assertEquals(ALICE_RECORDS + ADMIN_RECORDS, ids.size(), ids.toString());
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no record twice");
        List<String> sorted = new ArrayList<>(times);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, times, "newest first");
        assertEquals(4, pages);
    }

    @Test
    void usageFiltersAndRecordShape() throws Exception {
        JsonNode alices = http.admin("GET", "/admin/usage?user_id=2&limit=1000", null).json();
        assertEquals(ALICE_RECORDS, alices.path("items").size());
        assertTrue(alices.path("next_cursor").isNull());
        JsonNode first = alices.path("items").get(0);
        assertEquals("0.000123", first.path("cost").asText());
        assertEquals("fast", first.path("route_name").asText());
        Instant.parse(first.path("at").asText());
        assertEquals(ADMIN_RECORDS, http.admin("GET", "/admin/usage?route_name=smart", null).json().path("items").size());
        assertEquals(ADMIN_RECORDS, http.admin("GET", "/admin/usage?provider_id=2&model=claude-sonnet-4-5", null)
                .json().path("items").size());
        String from = NOW.minus(Duration.ofHours(20)).toString();
        int recent = http.admin("GET", "/admin/usage?user_id=2&from=" + from, null).json().path("items").size();
        assertEquals(3, recent, "alice's records at -1h, -10h, -19h");
        assertError(http.admin("GET", "/admin/usage?limit=0", null), 400);
        assertError(http.admin("GET", "/admin/usage?limit=1001", null), 400);
        assertError(http.admin("GET", "/admin/usage?cursor=garbage", null), 400);
        assertError(http.admin("GET", "/admin/usage?from=yesterday", null), 400);
    }

    @Test
    void summaryAddsUp() throws Exception {
        JsonNode s = http.admin("GET", "/admin/usage-summary?user_id=2", null).json();
        assertEquals(ALICE_RECORDS, s.path("requests").asLong());
        assertEquals(100L * ALICE_RECORDS, s.path("input_tokens").asLong());
        assertEquals(20L * ALICE_RECORDS, s.path("output_tokens").asLong());
        assertEquals(10L * ALICE_RECORDS, s.path("cache_read_tokens").asLong());
        assertEquals(ALICE_RECORDS, s.path("cache_write_tokens").asLong());
        assertEquals(new BigDecimal("0.000123").multiply(BigDecimal.valueOf(ALICE_RECORDS)).toPlainString(),
                s.path("cost").asText());
    }

    @Test
    void rollupsByDayAndHour() throws Exception {
        JsonNode days = http.admin("GET", "/admin/usage-rollups?granularity=day", null).json().path("items");
        long requests = 0;
        for (JsonNode d : days) {
            requests += d.path("requests").asLong();
            Instant.parse(d.path("bucket").asText());
        }
        assertEquals(ALICE_RECORDS + ADMIN_RECORDS, requests);
        JsonNode hours = http.admin("GET", "/admin/usage-rollups?granularity=hour&from="
                + NOW.minus(Duration.ofHours(3)) + "&to=" + NOW.plusSeconds(1), null).json().path("items");
        assertEquals(2, hours.size(), hours.toString());
        assertError(http.admin("GET", "/admin/usage-rollups?granularity=week", null), 400);
    }

    @Test
    void portalUsageIsTheCallersOnly() throws Exception {
        JsonNode own = http.withSession(alice, "GET", "/user/usage?user_id=1&limit=1000", null).json().path("items");
        assertEquals(ALICE_RECORDS, own.size());
        own.forEach(i -> assertEquals(2, i.path("user_id").asLong()));
        JsonNode rollups = http.withSession(alice, "GET", "/user/usage-rollups?granularity=day", null).json().path("items");
        rollups.forEach(i -> assertEquals(2, i.path("user_id").asLong()));
        assertTrue(rollups.size() > 0);
        assertError(http.call("GET", "/user/usage", null), 401);
    }

    @Test
    void everyMutationIsAuditedWithoutItsBody() throws Exception {
        String secretName = "audited-org-body-marker";
        AdminHttp.Reply created = http.admin("POST", "/admin/orgs", "{\"name\":\"" + secretName + "\"}");
        long id = created.json().path("id").asLong();
        http.admin("DELETE", "/admin/orgs/" + id, null);
        http.admin("DELETE", "/admin/orgs/" + id, null); // 404, audited too
        http.login("alice", "wrong", "10.9.9.9");

        JsonNode items = http.admin("GET", "/admin/audit?limit=1000", null).json().path("items");
        assertTrue(!items.toString().contains(secretName), "no bodies in the audit log");
        Set<String> seen = new HashSet<>();
        for (JsonNode i : items) {
            seen.add(i.path("action").asText() + " " + i.path("target").asText() + " " + i.path("status").asInt());
        }
        assertTrue(seen.contains("POST /admin/orgs 201"), seen.toString());
        assertTrue(seen.contains("DELETE /admin/orgs/" + id + " 204"), seen.toString());
        assertTrue(seen.contains("DELETE /admin/orgs/" + id + " 404"), seen.toString());
        assertTrue(seen.contains("login.fail /admin/login 401"), seen.toString());
        JsonNode post = null;
        for (JsonNode i : items) {
            if (i.path("action").asText().equals("POST") && i.path("target").asText().equals("/admin/orgs")) {
                post = i;
            }
        }
        assertEquals(1, post.path("actor_id").asLong());
        assertEquals("admin", post.path("actor_name").asText());
        assertEquals("127.0.0.1", post.path("source_ip").asText());
        Instant.parse(post.path("at").asText());

        // pagination and the actor filter
        JsonNode page = http.admin("GET", "/admin/audit?limit=2", null).json();
        assertEquals(2, page.path("items").size());
        String cursor = page.path("next_cursor").asText();
        JsonNode next = http.admin("GET", "/admin/audit?limit=2&cursor=" + cursor, null).json();
        assertTrue(next.path("items").size() >= 1);
        assertTrue(!next.path("items").get(0).equals(page.path("items").get(1)));
        JsonNode byAlice = http.admin("GET", "/admin/audit?actor_id=2", null).json().path("items");
        byAlice.forEach(i -> assertEquals(2, i.path("actor_id").asLong()));
        assertNull(null);
    }
}
