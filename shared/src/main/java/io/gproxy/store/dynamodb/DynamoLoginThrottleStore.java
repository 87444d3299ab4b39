package io.gproxy.store.dynamodb;

import io.gproxy.store.LoginThrottleStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Failed-login windows as {@code pk = LOGIN#<subject>}, {@code sk = LOGIN} with {@code n} (failures),
 * {@code since} (epoch seconds of the window's first failure) and a TTL one minute past the window's end. A failure
 * inside the window is an atomic {@code ADD}; one after it starts a new window.
 */
public final class DynamoLoginThrottleStore implements LoginThrottleStore {
    private static final String PREFIX = "LOGIN#";
    private static final String SK = "LOGIN";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoLoginThrottleStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    @Override
    public Optional<Window> window(String subject, Instant now, Duration window) {
        try {
            GetItemResponse r = ddb.getItem(g -> g.tableName(table).consistentRead(true).key(key(subject)));
            if (!r.hasItem() || r.item().isEmpty()) {
                return Optional.empty();
            }
            Instant since = Instant.ofEpochSecond(Long.parseLong(r.item().get("since").n()));
            if (!since.plus(window).isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(new Window(Long.parseLong(r.item().get("n").n()), since));
        } catch (SdkException e) {
            throw new StoreUnavailableException("login throttle read failed", e);
        }
    }

    @Override
    public void recordFailure(String subject, Instant now, Duration window) {
        String cutoff = Long.toString(now.minus(window).getEpochSecond());
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    ddb.updateItem(u -> u.tableName(table).key(key(subject))
                            .updateExpression("ADD #n :one")
                            .conditionExpression("#s > :cutoff")
                            .expressionAttributeNames(Map.of("#n", "n", "#s", "since"))
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                                    ":cutoff", AttributeValue.fromN(cutoff))));
                    return;
                } catch (ConditionalCheckFailedException noOpenWindow) {
                    // no window open: start one, unless a concurrent failure just did (then add to that)
                }
                try {
                    long since = now.getEpochSecond();
                    ddb.putItem(p -> p.tableName(table).item(Map.of(
                                    DynamoTable.PK, AttributeValue.fromS(PREFIX + subject),
                                    DynamoTable.SK, AttributeValue.fromS(SK),
                                    "n", AttributeValue.fromN("1"),
                                    "since", AttributeValue.fromN(Long.toString(since)),
                                    DynamoTable.TTL, AttributeValue.fromN(Long.toString(since + window.toSeconds() + 60))))
                            .conditionExpression("attribute_not_exists(#s) OR #s <= :cutoff")
                            .expressionAttributeNames(Map.of("#s", "since"))
                            .expressionAttributeValues(Map.of(":cutoff", AttributeValue.fromN(cutoff))));
                    return;
                } catch (ConditionalCheckFailedException raced) {
                    // another failure opened the window between our two calls: count into it
                }
            }
            throw new StoreUnavailableException("login throttle contended", null);
        } catch (SdkException e) {
            throw new StoreUnavailableException("login throttle write failed", e);
        }
    }

    @Override
    public void clear(String subject) {
        try {
            ddb.deleteItem(d -> d.tableName(table).key(key(subject)));
        } catch (SdkException e) {
            throw new StoreUnavailableException("login throttle delete failed", e);
        }
    }

    private static Map<String, AttributeValue> key(String subject) {
        return Map.of(DynamoTable.PK, AttributeValue.fromS(PREFIX + subject), DynamoTable.SK, AttributeValue.fromS(SK));
    }
}
