package io.gproxy.store.dynamodb;

import io.gproxy.store.SessionStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions as {@code pk = SESS#<sha-256 of the token>}, {@code sk = SESS}, with {@code user_id}, {@code expires}
 * (epoch seconds) and {@code ttl = expires} so DynamoDB removes expired ones by itself.
 */
public final class DynamoSessionStore implements SessionStore {
    static final String PREFIX = "SESS#";
    private static final String SK = "SESS";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoSessionStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public void create(String tokenDigest, long userId, Instant expiresAt) {
        try {
            ddb.putItem(p -> p.tableName(table).item(Map.of(
                    DynamoTable.PK, AttributeValue.fromS(PREFIX + tokenDigest),
                    DynamoTable.SK, AttributeValue.fromS(SK),
                    "user_id", AttributeValue.fromN(Long.toString(userId)),
                    "expires", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())),
                    DynamoTable.TTL, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())))));
        } catch (SdkException e) {
            throw new StoreUnavailableException("session write failed", e);
        }
    }

    @Override
    public Optional<Session> find(String tokenDigest, Instant now) {
        try {
            GetItemResponse r = ddb.getItem(g -> g.tableName(table).consistentRead(true).key(key(tokenDigest)));
            if (!r.hasItem() || r.item().isEmpty()) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(r.item().get("expires").n()));
            if (!expires.isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(new Session(tokenDigest, Long.parseLong(r.item().get("user_id").n()), expires));
        } catch (SdkException e) {
            throw new StoreUnavailableException("session read failed", e);
        }
    }

    @Override
    public void touch(String tokenDigest, Instant expiresAt) {
        String at = Long.toString(expiresAt.getEpochSecond());
        try {
            // only an existing session is extended: a concurrent logout must not be resurrected
            ddb.updateItem(u -> u.tableName(table).key(key(tokenDigest))
                    .updateExpression("SET #e = :e, #t = :e")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#e", "expires", "#t", DynamoTable.TTL, "#pk", DynamoTable.PK))
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromN(at))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException gone) {
            // logged out meanwhile: nothing to extend
        } catch (SdkException e) {
            throw new StoreUnavailableException("session update failed", e);
        }
    }

    @Override
    public void delete(String tokenDigest) {
        try {
            ddb.deleteItem(d -> d.tableName(table).key(key(tokenDigest)));
        } catch (SdkException e) {
            throw new StoreUnavailableException("session delete failed", e);
        }
    }

    private static Map<String, AttributeValue> key(String digest) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(PREFIX + digest), DynamoTable.SK, AttributeValue.fromS(SK));
    }
}
