package io.gproxy.store.dynamodb;

import io.gproxy.store.CaptureStore;
import io.gproxy.store.HealthStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HEALTH and LOG# items on DynamoDB Local: keys, TTL, range and request-id reads, reset. */
class DynamoHealthAndCaptureStoreTest {
    static final Instant T = Instant.parse("2026-03-01T23:59:59.500Z");
    private static DynamoDbLocal dynamo;
    private static DynamoDbClient ddb;

    @BeforeAll
    static void start() throws Exception {
        dynamo = DynamoDbLocal.start();
        ddb = dynamo.client();
        DynamoTable.ensure(ddb, "health_capture");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @Test
    void healthEntriesListUntilTheyEndAndResetPerCredential() {
        DynamoHealthStore store = new DynamoHealthStore(ddb, "health_capture");
        store.put(new HealthStore.Entry(1, "gpt", HealthStore.Kind.COOLDOWN, T.plusSeconds(30), 0, "cooldown", T));
        store.put(new HealthStore.Entry(1, null, HealthStore.Kind.COOLDOWN, T.plusSeconds(600), 0, "auth", T));
        store.put(new HealthStore.Entry(2, "gpt", HealthStore.Kind.BREAKER, T.plusSeconds(60), 60_000, "5 failures", T));
        assertEquals(3, store.list(T).size());
        assertEquals(2, store.list(T.plusSeconds(30)).size(), "ended entries are not listed even before TTL deletes them");
        HealthStore.Entry breaker = store.list(T).stream().filter(e -> e.credentialId() == 2).findFirst().orElseThrow();
        assertEquals(60_000, breaker.openMillis());
        Map<String, AttributeValue> raw = ddb.getItem(g -> g.tableName("health_capture").key(Map.of(
                "pk", AttributeValue.fromS("HEALTH"), "sk", AttributeValue.fromS("1#*#COOLDOWN")))).item();
        assertEquals(Long.toString(T.plusSeconds(600).getEpochSecond() + 60), raw.get("ttl").n());
        store.reset(1, T);
        assertEquals(List.of(2L), store.list(T).stream().filter(e -> e.kind() != HealthStore.Kind.RESET)
                .map(HealthStore.Entry::credentialId).toList());
        assertTrue(store.list(T).stream().anyMatch(e -> e.credentialId() == 1 && e.kind() == HealthStore.Kind.RESET),
                "the reset leaves a marker for the other containers");
    }

    @Test
    void capturesReadByTimeRangeAcrossDaysAndByRequestId() {
        DynamoCaptureStore store = new DynamoCaptureStore(ddb, "health_capture");
        CaptureStore.Upstream failed = new CaptureStore.Upstream(1, T, 3, "openai", 7, "gpt", "POST",
                "https://api/v1/chat", 429, 12, "rate_limited", "upstream answered 429", "{}", null, "{\"error\":{}}");
        CaptureStore.Upstream ok = new CaptureStore.Upstream(2, T, 4, "anthropic", 8, "claude", "POST",
                "https://api/v1/messages", 200, 40, "success", null, "{}", "{\"a\":1}", "{\"b\":2}");
        CaptureStore.Downstream down = new CaptureStore.Downstream(T, "POST", "/v1/chat/completions", null, 200,
                "{}", "{\"q\":1}", "{\"r\":1}", 55);
        store.put(new CaptureStore.Capture("req-1", T, down, List.of(failed, ok)), T.plusSeconds(86400));
        store.put(new CaptureStore.Capture("req-2", T.plusSeconds(1), null, List.of(failed)), null);

        CaptureStore.Capture one = store.get("req-1").orElseThrow();
        assertEquals(2, one.upstream().size());
        assertEquals("rate_limited", one.upstream().get(0).disposition());
        assertEquals("success", one.upstream().get(1).disposition());
        assertEquals(55, one.downstream().latencyMs());

        List<CaptureStore.Capture> range = store.range(T.minusSeconds(10), T.plusSeconds(10), 10);
        assertEquals(List.of("req-2", "req-1"), range.stream().map(CaptureStore.Capture::requestId).toList(),
                "newest first; req-2 is on the next UTC day");
        assertNull(range.get(0).downstream());
        assertEquals(List.of("req-2"), store.range(T.minusSeconds(10), T.plusSeconds(10), 1).stream()
                .map(CaptureStore.Capture::requestId).toList(), "limit keeps the newest");
        assertTrue(store.range(T.plusSeconds(5), T.plusSeconds(10), 10).isEmpty());
        assertTrue(store.get("nope").isEmpty());
    }

    @Test
    void aCaptureTooBigForOneItemKeepsEveryAttemptWithShorterBodies() {
        DynamoCaptureStore store = new DynamoCaptureStore(ddb, "health_capture");
        String body = "x".repeat(64 * 1024);
        List<CaptureStore.Upstream> attempts = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            attempts.add(new CaptureStore.Upstream(i, T, 1, "p", i, "m", "POST", "https://u", 500, 1, "transient",
                    "upstream answered 500", "{}", body, body));
        }
        Instant old = T.minusSeconds(10 * 86400); // away from the range the other test reads
        store.put(new CaptureStore.Capture("big", old, new CaptureStore.Downstream(old, "POST", "/v1/x", null, 502, "{}",
                body, body, 9), attempts), null);
        CaptureStore.Capture back = store.get("big").orElseThrow();
        assertEquals(6, back.upstream().size());
        assertTrue(back.upstream().get(5).requestBody().endsWith("[... cut to fit the capture item]"));
        assertEquals("transient", back.upstream().get(5).disposition());
    }
}
