package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.ConfigConflictException;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Config items in the {@code CFG} partition: {@code sk = <entity>#<id>}, the entity document as a JSON string in
 * {@code doc}; the version in {@code sk = VERSION}. A full load is one paginated strongly consistent Query; a
 * version check is one GetItem.
 */
public final class DynamoConfigStore implements ConfigStore {
    static final String PARTITION = "CFG";
    static final String VERSION_SK = "VERSION";
    /** DynamoDB allows 100 actions per transaction; one is the version bump. */
    private static final int MAX_ITEMS_PER_TRANSACTION = 99;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoConfigStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public long version() {
        try {
            GetItemResponse r = ddb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(key(VERSION_SK)).projectionExpression("#v").expressionAttributeNames(Map.of("#v", "version")));
            return r.hasItem() && r.item().containsKey("version") ? Long.parseLong(r.item().get("version").n()) : 0L;
        } catch (SdkException e) {
            throw new StoreUnavailableException("config version read failed", e);
        }
    }

    @Override
    public ConfigState load() {
        try {
            List<ConfigItem> items = new ArrayList<>();
            long version = 0;
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PARTITION)));
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse page = ddb.query(q.build());
                for (Map<String, AttributeValue> item : page.items()) {
                    String sk = item.get(DynamoTable.SK).s();
                    if (sk.equals(VERSION_SK)) {
                        version = Long.parseLong(item.get("version").n());
                        continue;
                    }
                    ConfigItem parsed = parse(sk, item);
                    if (parsed != null) {
                        items.add(parsed);
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            return new ConfigState(version, items);
        } catch (SdkException e) {
            throw new StoreUnavailableException("config load failed", e);
        }
    }

    @Override
    public void write(List<ConfigItem> puts, List<ConfigKey> deletes) {
        write(puts, deletes, null);
    }

    @Override
    public void write(List<ConfigItem> puts, List<ConfigKey> deletes, long expectedVersion) {
        write(puts, deletes, Long.valueOf(expectedVersion));
    }

    private void write(List<ConfigItem> puts, List<ConfigKey> deletes, Long expectedVersion) {
        // A transaction may touch an item once: the last put of a key wins, and a put replaces a delete.
        Map<String, ConfigItem> lastPut = new java.util.LinkedHashMap<>();
        puts.forEach(i -> lastPut.put(i.sortKey(), i));
        List<TransactWriteItem> actions = new ArrayList<>();
        for (ConfigKey k : new java.util.LinkedHashSet<>(deletes)) {
            String sk = k.type().itemName() + "#" + k.id();
            if (!lastPut.containsKey(sk)) {
                actions.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(key(sk))).build());
            }
        }
        for (ConfigItem i : lastPut.values()) {
            actions.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of(
                    DynamoTable.PK, AttributeValue.fromS(PARTITION),
                    DynamoTable.SK, AttributeValue.fromS(i.sortKey()),
                    "entity", AttributeValue.fromS(i.type().itemName()),
                    "id", AttributeValue.fromS(i.id()),
                    "doc", AttributeValue.fromS(i.doc().toString())))).build());
        }
        try {
            int from = 0;
            do {
                int to = Math.min(actions.size(), from + MAX_ITEMS_PER_TRANSACTION);
                List<TransactWriteItem> chunk = new ArrayList<>(actions.subList(from, to));
                chunk.add(from == 0 && expectedVersion != null ? versionBump(expectedVersion) : versionBump());
                ddb.transactWriteItems(t -> t.transactItems(chunk));
                from = to;
            } while (from < actions.size());
        } catch (TransactionCanceledException e) {
            boolean versionMoved = e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (versionMoved && expectedVersion != null) {
                throw new ConfigConflictException("config version moved past " + expectedVersion);
            }
            throw new StoreUnavailableException("config write failed", e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("config write failed", e);
        }
    }

    /** The bump, on condition that nobody bumped since the caller's read (an absent item is version 0). */
    private TransactWriteItem versionBump(long expected) {
        String condition = expected == 0 ? "attribute_not_exists(#v) OR #v = :expected" : "#v = :expected";
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(VERSION_SK))
                .updateExpression("ADD #v :one")
                .conditionExpression(condition)
                .expressionAttributeNames(Map.of("#v", "version"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":expected", AttributeValue.fromN(Long.toString(expected))))).build();
    }

    private TransactWriteItem versionBump() {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(VERSION_SK))
                .updateExpression("ADD #v :one")
                .expressionAttributeNames(Map.of("#v", "version"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
    }

    private static ConfigItem parse(String sk, Map<String, AttributeValue> item) {
        int hash = sk.indexOf('#');
        if (hash < 0 || !item.containsKey("doc")) {
            return null;
        }
        EntityType type = EntityType.byItemName(sk.substring(0, hash)).orElse(null);
        if (type == null) {
            return null; // an entity this build does not know (written by a newer version): ignore, don't fail
        }
        try {
            return new ConfigItem(type, sk.substring(hash + 1), (ObjectNode) JSON.readTree(item.get("doc").s()));
        } catch (Exception e) {
            throw new IllegalStateException("config item " + sk + " holds a malformed document", e);
        }
    }

    private static Map<String, AttributeValue> key(String sk) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(PARTITION), DynamoTable.SK, AttributeValue.fromS(sk));
    }
}
