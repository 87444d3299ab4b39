package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Newest-first paging over items keyed by time: one partition per UTC day ({@code <prefix><yyyy-mm-dd>}) with
 * {@code sk = <ISO time>#<id>} (usage records, audit rows), or one GSI partition with the same sort key layout (a
 * user's usage). Walks the days from {@code to} back to {@code from}, one Query per day, and stops after
 * {@code limit} items. The cursor is the sort key of the last item returned (its day is the key's first ten
 * characters), so a page never depends on server state.
 */
final class TimeSeriesPager {
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Sorts after every id character used in sort keys (uuids, hex). */
    private static final String AFTER_ANY_ID = "#\uffff";
    private static final Set<String> KEY_ATTRIBUTES = Set.of(DynamoTable.PK, DynamoTable.SK, DynamoTable.GSI1_PK,
            DynamoTable.GSI1_SK, DynamoTable.TTL);

    /** A server-side filter: expression with its own names and values (may be null). */
    record Filter(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        static final Filter NONE = new Filter(null, Map.of(), Map.of());
    }

    record Page(List<Map<String, AttributeValue>> items, String nextCursor) {}

    private final DynamoDbClient ddb;
    private final String table;

    TimeSeriesPager(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
    }

    /** Items in day partitions {@code prefix + day}, {@code from <= time < to}. */
    Page byDay(String prefix, Instant from, Instant to, Filter filter, int limit, String cursor) {
        String lo = TS.format(from);
        String hi = upperBound(to, cursor);
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        LocalDate first = day(from);
        for (LocalDate d = LocalDate.parse(hi.substring(0, 10)); !d.isBefore(first) && out.size() <= limit; d = d.minusDays(1)) {
            collect(null, DynamoTable.PK, DynamoTable.SK, prefix + d, lo, hi, cursor, filter, limit + 1 - out.size(), out);
        }
        return page(out, limit, DynamoTable.SK);
    }

    /** Items of one GSI partition, {@code from <= time < to}. */
    Page byIndex(String gsiPk, Instant from, Instant to, Filter filter, int limit, String cursor) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        collect(DynamoTable.GSI1, DynamoTable.GSI1_PK, DynamoTable.GSI1_SK, gsiPk, TS.format(from), upperBound(to, cursor),
                cursor, filter, limit + 1, out);
        return page(out, limit, DynamoTable.GSI1_SK);
    }

    /** Every item of one partition (rollup buckets). */
    List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", DynamoTable.PK))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)));
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = ddb.query(q.build());
                out.addAll(r.items());
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
            return out;
        } catch (SdkException e) {
            throw new StoreUnavailableException("query failed", e);
        }
    }

    private void collect(String index, String pkName, String skName, String pk, String lo, String hi, String cursor,
                         Filter filter, int want, List<Map<String, AttributeValue>> out) {
        Map<String, String> names = new HashMap<>(filter.names());
        names.put("#pk", pkName);
        names.put("#sk", skName);
        Map<String, AttributeValue> values = new HashMap<>(filter.values());
        values.put(":pk", AttributeValue.fromS(pk));
        values.put(":lo", AttributeValue.fromS(lo));
        values.put(":hi", AttributeValue.fromS(hi));
        Map<String, AttributeValue> start = null;
        int target = out.size() + want;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(table).scanIndexForward(false)
                        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .limit(Math.max(want, 25));
                if (index != null) {
                    q.indexName(index);
                }
                if (filter.expression() != null) {
                    q.filterExpression(filter.expression());
                }
                if (start != null) {
                    q.exclusiveStartKey(start);
                }
                QueryResponse r = ddb.query(q.build());
                for (Map<String, AttributeValue> item : r.items()) {
                    // BETWEEN is inclusive: the cursor's own item was on the previous page
                    if (cursor != null && cursor.equals(item.get(skName).s())) {
                        continue;
                    }
                    if (out.size() < target) {
                        out.add(item);
                    }
                }
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null && out.size() < target);
        } catch (SdkException e) {
            throw new StoreUnavailableException("query failed", e);
        }
    }

    private static Page page(List<Map<String, AttributeValue>> items, int limit, String skName) {
        if (items.size() <= limit) {
            return new Page(items, null);
        }
        List<Map<String, AttributeValue>> shown = items.subList(0, limit);
        return new Page(List.copyOf(shown), encode(shown.get(limit - 1).get(skName).s()));
    }

    private static String upperBound(Instant to, String cursor) {
        if (cursor != null) {
            return cursor;
        }
        return TS.format(to.minusMillis(1)) + AFTER_ANY_ID;
    }

    static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    static String encode(String sk) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sk.getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key a cursor stands for; IllegalArgumentException when it is not one of ours. */
    static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        String sk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (sk.length() < 24 || !sk.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
            throw new IllegalArgumentException("invalid cursor");
        }
        return sk;
    }

    /** An item as JSON without its key attributes: strings, exact numbers, booleans. */
    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        item.forEach((k, v) -> {
            if (KEY_ATTRIBUTES.contains(k)) {
                return;
            }
            if (v.s() != null) {
                n.put(k, v.s());
            } else if (v.n() != null) {
                BigDecimal d = new BigDecimal(v.n());
                if (d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
                    n.put(k, d.longValueExact());
                } else {
                    n.put(k, d);
                }
            } else if (v.bool() != null) {
                n.put(k, v.bool());
            }
        });
        return n;
    }
}
