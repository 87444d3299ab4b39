package io.gproxy.store.dynamodb;

import io.gproxy.store.HealthStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared health as items {@code pk = HEALTH}, {@code sk = <credential id>#<model or *>#<kind>} with {@code until_ms},
 * {@code open_ms}, {@code reason}, {@code observed_ms} and the table's TTL at {@code until} (plus a minute, so a
 * reader never sees an entry vanish before it ends). One partition: {@link #list} is one Query, which the config
 * poll runs once per interval; writes only happen when a container observes a cooldown or an opening breaker,
 * which is rare next to the request rate. TTL deletion is lazy, so {@link #list} also drops expired items itself.
 */
public final class DynamoHealthStore implements HealthStore {
    static final String PK = "HEALTH";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoHealthStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    static String sk(long credentialId, String model, Kind kind) {
        return credentialId + "#" + (model == null ? "*" : model) + "#" + kind.name();
    }

    @Override
    public void put(Entry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, AttributeValue.fromS(PK));
        item.put(DynamoTable.SK, AttributeValue.fromS(sk(e.credentialId(), e.model(), e.kind())));
        item.put("credential_id", AttributeValue.fromN(Long.toString(e.credentialId())));
        if (e.model() != null) {
            item.put("model", AttributeValue.fromS(e.model()));
        }
        item.put("kind", AttributeValue.fromS(e.kind().name()));
        item.put("until_ms", AttributeValue.fromN(Long.toString(e.until().toEpochMilli())));
        item.put("open_ms", AttributeValue.fromN(Long.toString(e.openMillis())));
        item.put("observed_ms", AttributeValue.fromN(Long.toString(e.observedAt().toEpochMilli())));
        if (e.reason() != null) {
            item.put("reason", AttributeValue.fromS(e.reason()));
        }
        item.put(DynamoTable.TTL, AttributeValue.fromN(Long.toString(e.until().getEpochSecond() + 60)));
        try {
            ddb.putItem(p -> p.tableName(table).item(item));
        } catch (SdkException ex) {
            throw new StoreUnavailableException("health write failed", ex);
        }
    }

    @Override
    public List<Entry> list(Instant now) {
        List<Entry> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : query(null)) {
            Entry e = entry(item);
            if (e != null && e.until().isAfter(now)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public void reset(long credentialId, Instant now) {
        try {
            for (Map<String, AttributeValue> item : query(credentialId + "#")) {
                ddb.deleteItem(d -> d.tableName(table).key(Map.of(DynamoTable.PK, item.get(DynamoTable.PK),
                        DynamoTable.SK, item.get(DynamoTable.SK))));
            }
        } catch (SdkException ex) {
            throw new StoreUnavailableException("health reset failed", ex);
        }
        put(new Entry(credentialId, null, Kind.RESET, now.plus(RESET_MARKER_TTL), 0, "reset", now));
    }

    private List<Map<String, AttributeValue>> query(String skPrefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table);
                if (skPrefix == null) {
                    q.keyConditionExpression("#pk = :pk")
                            .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK)));
                } else {
                    q.keyConditionExpression("#pk = :pk AND begins_with(#sk, :p)")
                            .expressionAttributeNames(Map.of("#pk", DynamoTable.PK, "#sk", DynamoTable.SK))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK),
                                    ":p", AttributeValue.fromS(skPrefix)));
                }
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = ddb.query(q.build());
                items.addAll(r.items());
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException ex) {
            throw new StoreUnavailableException("health read failed", ex);
        }
        return items;
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        try {
            Kind kind = Kind.valueOf(item.get("kind").s());
            AttributeValue model = item.get("model");
            AttributeValue reason = item.get("reason");
            return new Entry(Long.parseLong(item.get("credential_id").n()), model == null ? null : model.s(), kind,
                    Instant.ofEpochMilli(Long.parseLong(item.get("until_ms").n())),
                    Long.parseLong(item.get("open_ms").n()), reason == null ? null : reason.s(),
                    Instant.ofEpochMilli(Long.parseLong(item.get("observed_ms").n())));
        } catch (RuntimeException malformed) {
            return null; // an item this version does not understand: ignored
        }
    }
}
