package io.gproxy.store.dynamodb;



import io.gproxy.store.CounterRefusedException;
import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoreUnavailableException;
import io.gproxy.store.StoredRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DynamoDB counters on DynamoDB Local (spec/aws.md D5): a reservation is all or nothing, its bounds hold under
 * concurrency, a settlement applies exactly once per request id, and an unreachable table fails closed.
 */
class DynamoCounterStoreTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DynamoDbLocal dynamo;
    private static DynamoDbClient ddb;

    private String table;
    private DynamoCounterStore store;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamo = DynamoDbLocal.start();
        ddb = dynamo.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @BeforeEach
    void freshTable() {
        table = "gproxy-ctr-" + TABLES.incrementAndGet();
        DynamoTable.ensure(ddb, table);
        store = new DynamoCounterStore(ddb, table);
    }

    @Test
    void aRefusedReservationWritesNothing() throws Exception {
        CounterUpdate minute = new CounterUpdate("CTR#team#1", "RL#1#m#1", Map.of("n", 1L), Map.of("n", 4L), Map.of(), 2_000_000_000L);
        CounterUpdate budget = new CounterUpdate("CTR#user#2", "Q#total", Map.of("committed", 600L), Map.of("committed", 400L), Map.of(), null);
        store.reserve("a", List.of(minute, budget), 2_000_000_000L);
        CounterRefusedException refused = assertThrows(CounterRefusedException.class,
                () -> store.reserve("b", List.of(minute, budget), 2_000_000_000L));
        assertEquals(1, refused.index(), "the budget refused");
        assertEquals(1, store.read("CTR#team#1", "RL#1#m#1").get("n"), "the minute counter of the refused request rolled back");
        assertEquals(600, store.read("CTR#user#2", "Q#total").get("committed"));
        assertTrue(item("RES#a", "RES").containsKey("ttl"));
        assertTrue(item("RES#b", "RES").isEmpty());
        assertTrue(item("CTR#team#1", "RL#1#m#1").containsKey("ttl"));
    }

    @Test
    void settlementAppliesOncePerRequestId() throws Exception {
        CounterUpdate budget = new CounterUpdate("CTR#user#2", "Q#d#2026-01-14", Map.of("committed", 500L),
                Map.of("committed", 9_500L), Map.of(), 1_900_000_000L);
        store.reserve("r1", List.of(budget), 2_000_000_000L);
        List<CounterUpdate> settle = List.of(budget.adjust(Map.of("committed", -380L, "spent", 120L)),
                new CounterUpdate("ROLL#day#2026-01-14", "p=1|u=2", Map.of("requests", 1L, "cost_micros", 120L), Map.of(),
                        Map.of("user_id", "2"), null));
        StoredRecord usage = new StoredRecord("USE#2026-01-14", "2026-01-14T12:00:00.000Z#r1",
                Map.of("request_id", "r1", "cost", new BigDecimal("0.00012"), "cost_micros", 120L, "gsi1pk", "USER#2",
                        "gsi1sk", "2026-01-14T12:00:00.000Z#r1"));
        assertTrue(store.settle("r1", true, settle, List.of(usage), 2_000_000_000L));
        // The same call again, then from a fresh client: no effect. (Within ten minutes DynamoDB answers a repeated
        // ClientRequestToken with success without applying anything; later, the missing marker refuses it. Either way
        // the return value may be true or false; the counters below are what matters.)
        store.settle("r1", true, settle, List.of(usage), 2_000_000_000L);
        try (DynamoDbClient other = dynamo.newClient()) {
            new DynamoCounterStore(other, table).settle("r1", true, settle, List.of(usage), 2_000_000_000L);
        }
        assertEquals(120, store.read("CTR#user#2", "Q#d#2026-01-14").get("committed"));
        assertEquals(120, store.read("CTR#user#2", "Q#d#2026-01-14").get("spent"));
        assertEquals(1, store.read("ROLL#day#2026-01-14", "p=1|u=2").get("requests"));
        assertEquals("2", item("ROLL#day#2026-01-14", "p=1|u=2").get("user_id").s());
        assertEquals("0.00012", item("USE#2026-01-14", "2026-01-14T12:00:00.000Z#r1").get("cost").n());
        assertTrue(item("RES#r1", "RES").containsKey("ttl"),
                "the usage record's conditional put decided; the reservation marker is left to its TTL");
    }

    @Test
    void aRequestThatReservedNothingSettlesOnceThroughItsOwnMarker() {
        CounterUpdate roll = CounterUpdate.add("ROLL#hour#2026011412", "p=1", Map.of("requests", 1L), null);
        assertTrue(store.settle("s1", false, List.of(roll), List.of(), 2_000_000_000L));
        store.settle("s1", false, List.of(roll), List.of(), 2_000_000_000L); // replayed token or refused marker
        store.settle("s1", false, List.of(roll), List.of(), 2_000_000_000L);
        assertEquals(1, store.read("ROLL#hour#2026011412", "p=1").get("requests"));
        assertFalse(item("STL#s1", "STL").isEmpty());
    }

    @Test
    void settlingAReservationThatNeverHappenedChangesNothing() {
        CounterUpdate budget = CounterUpdate.add("CTR#user#2", "Q#total", Map.of("committed", -500L), null);
        assertFalse(store.settle("never", true, List.of(budget), List.of(), 2_000_000_000L));
        assertTrue(store.read("CTR#user#2", "Q#total").isEmpty());
    }

    @Test
    void concurrentReservationsNeverExceedTheBound() throws Exception {
        // 40 threads reserve 70 µ$ each against a limit of 1000 µ$: exactly 14 fit (14 × 70 = 980)
        long limit = 1000;
        long est = 70;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "c" + i;
                results.add(pool.submit(() -> {
                    try {
                        store.reserve(id, List.of(new CounterUpdate("CTR#user#9", "Q#total", Map.of("committed", est),
                                Map.of("committed", limit - est), Map.of(), null)), 2_000_000_000L);
                        return true;
                    } catch (CounterRefusedException e) {
                        return false;
                    }
                }));
            }
            int admitted = 0;
            for (Future<Boolean> f : results) {
                admitted += f.get() ? 1 : 0;
            }
            assertEquals(14, admitted);
            assertEquals(980, store.read("CTR#user#9", "Q#total").get("committed"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnreachableTableFailsClosed() {
        try (DynamoDbClient dead = DynamoDbClient.builder().endpointOverride(URI.create("http://localhost:1"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                .build()) {
            DynamoCounterStore s = new DynamoCounterStore(dead, table);
            assertThrows(StoreUnavailableException.class, () -> s.reserve("x",
                    List.of(CounterUpdate.add("CTR#user#1", "Q#total", Map.of("committed", 1L), null)), 1L));
            assertThrows(StoreUnavailableException.class, () -> s.settle("x", true, List.of(), List.of(), 1L));
        }
    }

    private Map<String, AttributeValue> item(String pk, String sk) {
        var r = ddb.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))));
        return r.hasItem() ? r.item() : Map.of();
    }
}
