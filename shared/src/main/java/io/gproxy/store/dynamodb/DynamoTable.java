package io.gproxy.store.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * The single table of DESIGN §5: {@code pk}/{@code sk} strings, GSI {@code gsi1} ({@code gsi1pk}/{@code gsi1sk}),
 * TTL attribute {@code ttl}, on-demand capacity. In AWS the table comes from the template; locally and in tests
 * {@link #ensure} creates it, and is safe to call on every start.
 */
public final class DynamoTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String TTL = "ttl";

    private DynamoTable() {}

    public static void ensure(DynamoDbClient ddb, String tableName) {
        if (!exists(ddb, tableName)) {
            try {
                ddb.createTable(CreateTableRequest.builder()
                        .tableName(tableName)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                attr(PK), attr(SK), attr(GSI1_PK), attr(GSI1_SK))
                        .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                .indexName(GSI1)
                                .keySchema(key(GSI1_PK, KeyType.HASH), key(GSI1_SK, KeyType.RANGE))
                                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                                .build())
                        .build());
            } catch (ResourceInUseException raced) {
                // another process created it between our check and create: fine
            }
        }
        waitActive(ddb, tableName);
        if (!ttlEnabled(ddb, tableName)) {
            ddb.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(TTL).enabled(true).build()));
        }
    }

    private static boolean exists(DynamoDbClient ddb, String tableName) {
        try {
            ddb.describeTable(r -> r.tableName(tableName));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static void waitActive(DynamoDbClient ddb, String tableName) {
        for (int i = 0; i < 600; i++) {
            if (ddb.describeTable(r -> r.tableName(tableName)).table().tableStatus() == TableStatus.ACTIVE) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + tableName);
            }
        }
        throw new IllegalStateException("table " + tableName + " did not become ACTIVE");
    }

    private static boolean ttlEnabled(DynamoDbClient ddb, String tableName) {
        var d = ddb.describeTimeToLive(r -> r.tableName(tableName)).timeToLiveDescription();
        return d != null && TTL.equals(d.attributeName())
                && ("ENABLED".equals(d.timeToLiveStatusAsString()) || "ENABLING".equals(d.timeToLiveStatusAsString()));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
