package io.gproxy.store.dynamodb;

import io.gproxy.store.CaptureStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Captures as items in day partitions: {@code pk = LOG#<yyyy-mm-dd>} (UTC day the request started), {@code sk =
 * <time>#<request id>#D} for the client's side and {@code ...#U#<nn>} per upstream attempt, so a time-range read is
 * one Query per day and a request's items sort together; {@code gsi1pk = LOGREQ#<request id>} finds one request.
 * TTL is the retention. One {@code BatchWriteItem} per request, written after the last byte.
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
        String pk = PREFIX + LocalDate.ofInstant(c.at(), ZoneOffset.UTC);
        String base = TIME.format(c.at()) + "#" + c.requestId() + "#";
        List<WriteRequest> writes = new ArrayList<>();
        for (Upstream u : c.upstream()) {
            String n = String.format("U#%02d", u.attempt());
            writes.add(write(item(pk, base + n, c, n, expiresAt, CaptureCodec.upstream(u))));
        }
        // a batch is not atomic: the client's item last, so a reader that sees it usually sees the attempts too
        if (c.downstream() != null) {
            writes.add(write(item(pk, base + "D", c, "D", expiresAt, CaptureCodec.downstream(c.downstream()))));
        }
        try {
            for (int i = 0; i < writes.size(); i += 25) {
                Map<String, List<WriteRequest>> pending = Map.of(table, writes.subList(i, Math.min(writes.size(), i + 25)));
                for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
                    Map<String, List<WriteRequest>> req = pending;
                    BatchWriteItemResponse r = ddb.batchWriteItem(b -> b.requestItems(req));
                    pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
                }
            }
        } catch (SdkException e) {
            throw new StoreUnavailableException("capture write failed", e);
        }
    }

    private static WriteRequest write(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static Map<String, AttributeValue> item(String pk, String sk, Capture c, String part, Instant expiresAt,
                                                    String doc) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, AttributeValue.fromS(pk));
        item.put(DynamoTable.SK, AttributeValue.fromS(sk));
        item.put(DynamoTable.GSI1_PK, AttributeValue.fromS(REQ_PREFIX + c.requestId()));
        item.put(DynamoTable.GSI1_SK, AttributeValue.fromS(part));
        item.put("request_id", AttributeValue.fromS(c.requestId()));
        item.put("at_ms", AttributeValue.fromN(Long.toString(c.at().toEpochMilli())));
        item.put("doc", AttributeValue.fromS(doc));
        if (expiresAt != null) {
            item.put(DynamoTable.TTL, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        }
        return item;
    }

    @Override
    public List<Capture> range(Instant from, Instant to, int limit) {
        Map<String, List<Map<String, AttributeValue>>> byRequest = new LinkedHashMap<>();
        LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(to, ZoneOffset.UTC);
        String lo = TIME.format(from);
        String hi = TIME.format(to);
        for (; !day.isAfter(last) && byRequest.size() <= limit; day = day.plusDays(1)) {
            String pk = PREFIX + day;
            for (Map<String, AttributeValue> item : query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK, "#sk", DynamoTable.SK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":lo", AttributeValue.fromS(lo),
                            ":hi", AttributeValue.fromS(hi))))) {
                if (Long.parseLong(item.get("at_ms").n()) >= to.toEpochMilli()) {
                    continue;
                }
                byRequest.computeIfAbsent(item.get("request_id").s(), k -> new ArrayList<>()).add(item);
            }
        }
        List<Capture> out = new ArrayList<>();
        for (var e : byRequest.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(assemble(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public Optional<Capture> get(String requestId) {
        List<Map<String, AttributeValue>> items = query(QueryRequest.builder().tableName(table).indexName(DynamoTable.GSI1)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", DynamoTable.GSI1_PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(REQ_PREFIX + requestId))));
        return items.isEmpty() ? Optional.empty() : Optional.of(assemble(requestId, items));
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

    private static Capture assemble(String requestId, List<Map<String, AttributeValue>> items) {
        Downstream down = null;
        List<Upstream> ups = new ArrayList<>();
        Instant at = Instant.ofEpochMilli(Long.parseLong(items.get(0).get("at_ms").n()));
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(DynamoTable.SK).s();
            String doc = item.get("doc").s();
            if (sk.endsWith("#D")) {
                down = CaptureCodec.downstream(doc);
            } else {
                ups.add(CaptureCodec.upstream(doc));
            }
        }
        ups.sort(java.util.Comparator.comparingInt(Upstream::attempt));
        return new Capture(requestId, at, down, List.copyOf(ups));
    }
}
