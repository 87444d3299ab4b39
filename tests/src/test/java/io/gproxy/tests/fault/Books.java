package io.gproxy.tests.fault;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The books as DynamoDB Local holds them, read straight from it (never through the fault proxy): a budget bucket's
 * {@code committed} and {@code spent}, and the usage records of a request. A request leaves the books right when
 * its reservation is gone ({@code committed} moved exactly as {@code spent} did) and it has a usage record exactly
 * when something was served.
 */
public final class Books implements AutoCloseable {
    /** Alice's (user 2) total budget window in the example bundle. */
    public static final String ALICE_BUDGET_PK = "CTR#user#2";
    public static final String TOTAL = "Q#total";

    private final DynamoDbClient ddb;
    private final String table;

    public Books(String dynamoEndpoint, String table) {
        this.ddb = DynamoDbClient.builder().endpointOverride(URI.create(dynamoEndpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        this.table = table;
    }

    /** {@code committed} and {@code spent} (µ$) of a budget item, 0 when absent. */
    public Map<String, Long> budget(String pk, String sk) {
        var r = ddb.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))));
        Map<String, Long> out = new HashMap<>(Map.of("committed", 0L, "spent", 0L, "requests", 0L));
        if (r.hasItem()) {
            r.item().forEach((k, v) -> {
                if (v.n() != null && out.containsKey(k)) {
                    out.put(k, new BigDecimal(v.n()).longValue());
                }
            });
        }
        return out;
    }

    public Map<String, Long> aliceTotal() {
        return budget(ALICE_BUDGET_PK, TOTAL);
    }

    /** Today's usage records of one request (normally zero or one). */
    public List<Map<String, AttributeValue>> usage(String requestId) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : usageToday()) {
            if (item.containsKey("request_id") && requestId.equals(item.get("request_id").s())) {
                out.add(item);
            }
        }
        return out;
    }

    /** Every usage record of today. */
    public List<Map<String, AttributeValue>> usageToday() {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = ddb.query(q -> {
                q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USE#" + LocalDate.now(ZoneOffset.UTC))));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            out.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /**
     * Waits until the request's reservation left the budget: {@code committed} moved by exactly what {@code spent}
     * moved. Returns the spent delta.
     */
    public long awaitSettled(Map<String, Long> before, String what) throws InterruptedException {
        await(() -> {
            Map<String, Long> now = aliceTotal();
            return delta(before, now, "committed") == delta(before, now, "spent");
        }, () -> what + ": the reservation was not released (committed " + delta(before, aliceTotal(), "committed")
                + " µ$ vs spent " + delta(before, aliceTotal(), "spent") + " µ$)");
        return delta(before, aliceTotal(), "spent");
    }

    /** The request's one usage record, waiting for it to land. */
    public Map<String, AttributeValue> awaitRecord(String requestId, String what) throws InterruptedException {
        await(() -> !usage(requestId).isEmpty(), () -> what + ": no usage record for " + requestId);
        List<Map<String, AttributeValue>> found = usage(requestId);
        assertEquals(1, found.size(), what + ": usage records of " + requestId);
        return found.get(0);
    }

    /**
     * Forgets shared credential health (items {@code pk = HEALTH}, where the gateway keeps it in the table): one
     * case's cooldown must not decide the next case. Nothing to do where health is per container only.
     */
    public void forgetHealth() {
        var items = ddb.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("HEALTH")))).items();
        for (Map<String, AttributeValue> i : items) {
            ddb.deleteItem(d -> d.tableName(table).key(Map.of("pk", i.get("pk"), "sk", i.get("sk"))));
        }
    }

    public static long delta(Map<String, Long> before, Map<String, Long> after, String field) {
        return after.getOrDefault(field, 0L) - before.getOrDefault(field, 0L);
    }

    static void await(BooleanSupplier condition, java.util.function.Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), message.get());
    }

    @Override
    public void close() {
        ddb.close();
    }
}
