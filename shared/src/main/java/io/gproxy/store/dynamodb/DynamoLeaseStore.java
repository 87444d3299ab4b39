package io.gproxy.store.dynamodb;

import io.gproxy.store.LeaseStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Leases as items {@code pk = LEASE#<name>}, {@code sk = LEASE} with {@code owner}, {@code expires_at_ms} and the
 * table's TTL attribute (spec/aws.md §D5): acquire is a conditional put ({@code attribute_not_exists(pk) OR
 * expires_at_ms < :now OR owner = :me}), renew a conditional update on the owner, release a conditional delete on the
 * owner. One partition per lease, so leases never contend with each other.
 */
public final class DynamoLeaseStore implements LeaseStore {
    static final String PREFIX = "LEASE#";
    static final String SK = "LEASE";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoLeaseStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public boolean tryAcquire(String name, String owner, Duration ttl, Instant now) {
        long expires = now.plus(ttl).toEpochMilli();
        try {
            ddb.putItem(p -> p.tableName(table)
                    .item(Map.of(DynamoTable.PK, AttributeValue.fromS(PREFIX + name),
                            DynamoTable.SK, AttributeValue.fromS(SK),
                            "owner", AttributeValue.fromS(owner),
                            "expires_at_ms", AttributeValue.fromN(Long.toString(expires)),
                            DynamoTable.TTL, AttributeValue.fromN(Long.toString(expires / 1000 + 3600))))
                    .conditionExpression("attribute_not_exists(#pk) OR #exp < :now OR #owner = :me")
                    .expressionAttributeNames(Map.of("#pk", DynamoTable.PK, "#exp", "expires_at_ms", "#owner", "owner"))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.toEpochMilli())),
                            ":me", AttributeValue.fromS(owner))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("lease acquire failed", e);
        }
    }

    @Override
    public boolean renew(String name, String owner, Duration ttl, Instant now) {
        long expires = now.plus(ttl).toEpochMilli();
        try {
            ddb.updateItem(u -> u.tableName(table).key(key(name))
                    .updateExpression("SET #exp = :exp, #ttl = :ttl")
                    .conditionExpression("#owner = :me")
                    .expressionAttributeNames(Map.of("#exp", "expires_at_ms", "#ttl", DynamoTable.TTL, "#owner", "owner"))
                    .expressionAttributeValues(Map.of(":exp", AttributeValue.fromN(Long.toString(expires)),
                            ":ttl", AttributeValue.fromN(Long.toString(expires / 1000 + 3600)),
                            ":me", AttributeValue.fromS(owner))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("lease renew failed", e);
        }
    }

    @Override
    public void release(String name, String owner) {
        try {
            ddb.deleteItem(d -> d.tableName(table).key(key(name))
                    .conditionExpression("#owner = :me")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(owner))));
        } catch (ConditionalCheckFailedException lost) {
            // expired and taken by another owner: theirs now
        } catch (SdkException e) {
            throw new StoreUnavailableException("lease release failed", e);
        }
    }

    private static Map<String, AttributeValue> key(String name) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(PREFIX + name), DynamoTable.SK, AttributeValue.fromS(SK));
    }
}
