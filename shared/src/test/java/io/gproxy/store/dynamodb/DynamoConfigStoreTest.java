package io.gproxy.store.dynamodb;



import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore.ConfigKey;
import io.gproxy.store.EntityType;
import io.gproxy.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;




import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;



import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DynamoDB config store against DynamoDB Local running in-process (spec/aws.md §B3): table creation is
 * idempotent, items round-trip, every write bumps the version, large writes are chunked into transactions and still
 * load back completely (across query pages), and deletes work. Each test uses its own table.
 */
class DynamoConfigStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static DynamoDbLocal dynamo;
    private static DynamoDbClient ddb;

    private String table;
    private DynamoConfigStore store;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamo = DynamoDbLocal.start();
        ddb = dynamo.client();
    }

    @AfterAll
    static void stopDynamoDbLocal() throws Exception {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @BeforeEach
    void freshTable() {
        table = "gproxy-test-" + TABLES.incrementAndGet();
        DynamoTable.ensure(ddb, table);
        store = new DynamoConfigStore(ddb, table);
    }

    // ---- table setup -------------------------------------------------------------------------------------------------

    @Test
    void ensureIsIdempotentAndCreatesKeysGsiAndTtl() {
        DynamoTable.ensure(ddb, table); // second call on an existing table: no error
        DynamoTable.ensure(ddb, table);

        TableDescription t = ddb.describeTable(r -> r.tableName(table)).table();
        assertEquals(TableStatus.ACTIVE, t.tableStatus());
        assertEquals(List.of(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)), t.keySchema());
        GlobalSecondaryIndexDescription gsi = t.globalSecondaryIndexes().stream()
                .filter(g -> g.indexName().equals("gsi1")).findFirst().orElseThrow();
        assertEquals(List.of(key("gsi1pk", KeyType.HASH), key("gsi1sk", KeyType.RANGE)), gsi.keySchema());
        assertEquals(1, t.globalSecondaryIndexes().size());

        TimeToLiveDescription ttl = ddb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        assertEquals("ttl", ttl.attributeName());
        assertEquals("ENABLED", ttl.timeToLiveStatusAsString());

        assertEquals(1, ddb.listTables().tableNames().stream().filter(table::equals).count());
    }

    // ---- round trip and versioning -------------------------------------------------------------------------------

    @Test
    void emptyTableHasVersionZeroAndNoItems() {
        assertEquals(0, store.version());
        ConfigState s = store.load();
        assertEquals(0, s.version());
        assertTrue(s.items().isEmpty());
    }

    @Test
    void writeThenLoadRoundTripsDocuments() throws Exception {
        ConfigItem provider = item(EntityType.PROVIDER, "1",
                "{\"id\":1,\"name\":\"openai\",\"channel\":\"openai\",\"settings_json\":{\"base_url\":\"https://api.openai.com\"},\"enabled\":true}");
        ConfigItem credential = item(EntityType.CREDENTIAL, "1",
                "{\"id\":1,\"provider_id\":1,\"secret_sealed\":\"{\\\"v\\\":1}\",\"weight\":100,\"name\":\"ключ ✓\"}");
        ConfigItem settings = item(EntityType.INSTANCE_SETTINGS, "default",
                "{\"instance_name\":\"default\",\"retention_days\":30,\"price\":\"0.10\",\"list\":[1,{\"a\":null}]}");
        store.write(List.of(provider, credential, settings), List.of());

        ConfigState s = store.load();
        assertEquals(1, s.version());
        assertEquals(sorted(List.of(provider, credential, settings)), sorted(s.items()));
    }

    @Test
    void versionBumpsByOnePerWrite() throws Exception {
        for (int n = 1; n <= 3; n++) {
            store.write(List.of(item(EntityType.ORG, Integer.toString(n), "{\"id\":" + n + ",\"name\":\"org" + n + "\"}")), List.of());
            assertEquals(n, store.version());
            assertEquals(n, store.load().version());
        }
        // an upsert of an existing item is a write too, and does not duplicate the item
        store.write(List.of(item(EntityType.ORG, "1", "{\"id\":1,\"name\":\"renamed\"}")), List.of());
        ConfigState s = store.load();
        assertEquals(4, s.version());
        assertEquals(3, s.items().size());
        assertEquals("renamed", s.items().stream().filter(i -> i.id().equals("1")).findFirst().orElseThrow().doc().path("name").asText());
    }

    @Test
    void largeWriteSpansTransactionsAndLoadsBackCompletely() throws Exception {
        // 250 items: more than one 100-action transaction; ~6 KB each, so the full load also spans query pages (1 MB)
        String padding = "x".repeat(6000);
        List<ConfigItem> puts = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            puts.add(item(EntityType.PROVIDER_MODEL, Integer.toString(i),
                    "{\"id\":" + i + ",\"provider_id\":1,\"model_id\":\"m-" + i + "\",\"display_name\":\"" + padding + "\"}"));
        }
        store.write(puts, List.of());

        ConfigState s = store.load();
        assertEquals(250, s.items().size());
        assertEquals(sorted(puts), sorted(s.items()));
        // documented behaviour (ConfigStore#write): one version bump per transaction chunk of <= 99 items
        assertEquals(3, s.version());
        assertEquals(s.version(), store.version());
    }

    @Test
    void deleteRemovesItemsAndBumpsTheVersion() throws Exception {
        store.write(List.of(
                item(EntityType.ROUTE, "1", "{\"id\":1,\"name\":\"fast\"}"),
                item(EntityType.ROUTE, "2", "{\"id\":2,\"name\":\"smart\"}"),
                item(EntityType.ROUTE_MEMBER, "1", "{\"id\":1,\"route_id\":1}")), List.of());

        store.write(List.of(), List.of(new ConfigKey(EntityType.ROUTE_MEMBER, "1"), new ConfigKey(EntityType.ROUTE, "1")));

        ConfigState s = store.load();
        assertEquals(2, s.version());
        assertEquals(List.of("route#2"), s.items().stream().map(ConfigItem::sortKey).toList());
        // deleting something that is not there is not an error
        store.write(List.of(), List.of(new ConfigKey(EntityType.ROUTE, "99")));
        assertEquals(1, store.load().items().size());

        // puts and deletes of different items in one write
        store.write(List.of(item(EntityType.ROUTE, "3", "{\"id\":3,\"name\":\"new\"}")), List.of(new ConfigKey(EntityType.ROUTE, "2")));
        assertEquals(List.of("route#3"), store.load().items().stream().map(ConfigItem::sortKey).toList());
    }

    @Test
    void theSameItemTwiceInOneWriteBehavesLikeTheMemoryStore() throws Exception {
        // DynamoDB refuses two operations on one item in a transaction; the store resolves them: last put wins,
        // and a put beats a delete of the same key.
        store.write(List.of(
                item(EntityType.ROUTE, "1", "{\"id\":1,\"name\":\"first\"}"),
                item(EntityType.ROUTE, "1", "{\"id\":1,\"name\":\"second\"}")),
                List.of(new ConfigKey(EntityType.ROUTE, "1")));
        ConfigState s = store.load();
        assertEquals(1, s.items().size());
        assertEquals("second", s.items().get(0).doc().path("name").asText());
    }

    @Test
    void itemsOfUnknownEntitiesAreIgnoredOnLoad() throws Exception {
        store.write(List.of(item(EntityType.ORG, "1", "{\"id\":1,\"name\":\"default\"}")), List.of());
        ddb.putItem(r -> r.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS("CFG"), "sk", AttributeValue.fromS("widget#1"),
                "doc", AttributeValue.fromS("{\"id\":1}"))));
        ConfigState s = store.load();
        assertEquals(List.of("org#1"), s.items().stream().map(ConfigItem::sortKey).toList());
    }

    @Test
    void missingTableIsStoreUnavailable() {
        DynamoConfigStore missing = new DynamoConfigStore(ddb, "gproxy-no-such-table");
        assertThrows(StoreUnavailableException.class, missing::version);
        assertThrows(StoreUnavailableException.class, missing::load);
        assertThrows(StoreUnavailableException.class, () -> missing.write(List.of(), List.of()));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ConfigItem item(EntityType type, String id, String doc) throws Exception {
        return new ConfigItem(type, id, (ObjectNode) JSON.readTree(doc));
    }

    private static List<ConfigItem> sorted(List<ConfigItem> items) {
        return items.stream().sorted(Comparator.comparing(ConfigItem::sortKey)).toList();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
