package io.gproxy.store.dynamodb;

import io.gproxy.store.CaptureStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One item per captured request, in day partitions: {@code pk = LOG#<yyyy-mm-dd>} (UTC day the request started),
 * {@code sk = <time>#<request id>}, {@code gsi1pk = LOGREQ#<request id>}, and {@code doc}: the client's side and
 * every upstream attempt as JSON. One {@code PutItem} per request, which the request functions' role already has (a
 * batch of items would need another IAM action and saves nothing: DynamoDB bills per item). A time-range read is one
 * Query per day, a request id one index Query. Bodies come bounded to 64 KiB each; a request with many attempts that
 * would still pass DynamoDB's 400 KB item limit gets shorter bodies ({@link CaptureCodec#capture}). TTL is the
 * retention.
 */
public final class DynamoCaptureStore implements CaptureStore {
    static final String PREFIX = "LOG#";
    static final String REQ_PREFIX = "LOGREQ#";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoCaptureStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public void put(Capture c, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, AttributeValue.fromS(PREFIX + LocalDate.ofInstant(c.at(), ZoneOffset.UTC)));
        item.put(DynamoTable.SK, AttributeValue.fromS(TIME.format(c.at()) + "#" + c.requestId()));
        item.put(DynamoTable.GSI1_PK, AttributeValue.fromS(REQ_PREFIX + c.requestId()));
        item.put(DynamoTable.GSI1_SK, AttributeValue.fromS(TIME.format(c.at())));
        item.put("request_id", AttributeValue.fromS(c.requestId()));
        item.put("at_ms", AttributeValue.fromN(Long.toString(c.at().toEpochMilli())));
        item.put("doc", AttributeValue.fromS(CaptureCodec.capture(c)));
        if (expiresAt != null) {
            item.put(DynamoTable.TTL, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        }
        try {
            ddb.putItem(p -> p.tableName(table).item(item));
        } catch (SdkException e) {
            throw new StoreUnavailableException("capture write failed", e);
        }
    }

    /**
     * Newest first: each day partition from {@code to} back to {@code from} is read backwards, a page at a time, and
     * reading stops once {@code limit} captures are in hand (captures carry bodies; a busy day must not be read whole).
     */
    @Override
    public List<Capture> range(Instant from, Instant to, int limit) {
        List<Capture> out = new ArrayList<>();
        String lo = TIME.format(from);
        String hi = TIME.format(to);
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        for (LocalDate day = LocalDate.ofInstant(to, ZoneOffset.UTC); !day.isBefore(first) && out.size() < limit;
             day = day.minusDays(1)) {
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table)
                        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                        .expressionAttributeNames(Map.of("#pk", DynamoTable.PK, "#sk", DynamoTable.SK))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PREFIX + day),
                                ":lo", AttributeValue.fromS(lo), ":hi", AttributeValue.fromS(hi)))
                        .scanIndexForward(false).limit(Math.min(100, limit - out.size() + 1));
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r;
                try {
                    r = ddb.query(q.build());
                } catch (SdkException e) {
                    throw new StoreUnavailableException("capture read failed", e);
                }
                for (Map<String, AttributeValue> item : r.items()) {
                    if (out.size() < limit && Long.parseLong(item.get("at_ms").n()) < to.toEpochMilli()) {
                        out.add(CaptureCodec.capture(item.get("doc").s()));
                    }
                }
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null && out.size() < limit);
        }
        return out;
    }

    @Override
    public Optional<Capture> get(String requestId) {
        List<Map<String, AttributeValue>> items = query(QueryRequest.builder().tableName(table).indexName(DynamoTable.GSI1)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", DynamoTable.GSI1_PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(REQ_PREFIX + requestId))));
        return items.isEmpty() ? Optional.empty() : Optional.of(CaptureCodec.capture(items.get(0).get("doc").s()));
    }

    private List<Map<String, AttributeValue>> query(QueryRequest.Builder q) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = ddb.query(q.build());
                items.addAll(r.items());
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new StoreUnavailableException("capture read failed", e);
        }
        return items;
    }
}
