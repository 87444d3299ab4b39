package io.gproxy.tests.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Counts the usage records the gateway wrote (the {@code USE#<day>} partitions of yesterday and today, so a run
 * across midnight UTC still counts), straight from DynamoDB Local: the soak's check that every served request was
 * recorded exactly once.
 */
final class UsageCount {
    private UsageCount() {}

    static long count(String dynamoEndpoint, String table) {
        try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create(dynamoEndpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            return count(ddb, table, today.minusDays(1)) + count(ddb, table, today);
        }
    }

    private static long count(DynamoDbClient ddb, String table, LocalDate day) {
        long n = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = ddb.query(q -> {
                q.tableName(table).consistentRead(true).select(Select.COUNT).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USE#" + day)));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            n += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return n;
    }

    /**
     * Waits until the count reaches {@code expected} or stops moving for two seconds (settlements of the last
     * requests may still be landing when their clients have their answers), at most 30 s.
     */
    static long settle(String dynamoEndpoint, String table, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long last = -1;
        long stableSince = System.nanoTime();
        while (true) {
            long n = count(dynamoEndpoint, table);
            if (n == expected || System.nanoTime() > deadline) {
                return n;
            }
            if (n != last) {
                last = n;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 2_000_000_000L) {
                return n;
            }
            Thread.sleep(200);
        }
    }
}
