package io.gproxy.store.dynamodb;

import io.gproxy.store.LoginStateStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Login state as items {@code pk = LOGINFLOW#<login session id>}, {@code sk = LOGINFLOW}, removed by the table's TTL. */
public final class DynamoLoginStateStore implements LoginStateStore {
    static final String PREFIX = "LOGINFLOW#";
    static final String SK = "LOGINFLOW";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoLoginStateStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public void put(String sessionId, String sealedState, Instant expiresAt) {
        try {
            ddb.putItem(p -> p.tableName(table).item(Map.of(
                    DynamoTable.PK, AttributeValue.fromS(PREFIX + sessionId),
                    DynamoTable.SK, AttributeValue.fromS(SK),
                    "state", AttributeValue.fromS(sealedState),
                    "expires_at_ms", AttributeValue.fromN(Long.toString(expiresAt.toEpochMilli())),
                    DynamoTable.TTL, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond() + 60)))));
        } catch (SdkException e) {
            throw new StoreUnavailableException("login state write failed", e);
        }
    }

    @Override
    public Optional<String> get(String sessionId, Instant now) {
        GetItemResponse r;
        try {
            r = ddb.getItem(g -> g.tableName(table).key(key(sessionId)).consistentRead(true));
        } catch (SdkException e) {
            throw new StoreUnavailableException("login state read failed", e);
        }
        if (!r.hasItem() || r.item().get("state") == null) {
            return Optional.empty();
        }
        AttributeValue exp = r.item().get("expires_at_ms");
        if (exp == null || Long.parseLong(exp.n()) <= now.toEpochMilli()) {
            return Optional.empty();
        }
        return Optional.of(r.item().get("state").s());
    }

    @Override
    public void delete(String sessionId) {
        try {
            ddb.deleteItem(d -> d.tableName(table).key(key(sessionId)));
        } catch (SdkException e) {
            throw new StoreUnavailableException("login state delete failed", e);
        }
    }

    private static Map<String, AttributeValue> key(String sessionId) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(PREFIX + sessionId), DynamoTable.SK, AttributeValue.fromS(SK));
    }
}
