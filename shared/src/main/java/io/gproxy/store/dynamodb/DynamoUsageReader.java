package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.UsageReader;
import io.gproxy.usage.UsageRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage records and rollups as the settlement writes them (docs/architecture.md, State in DynamoDB): a user's
 * records through {@code gsi1} ({@code USER#<id>}), everyone's by day partition; other filters are server-side
 * filter expressions. Rollups are one Query per bucket partition.
 */
public final class DynamoUsageReader implements UsageReader {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    private final TimeSeriesPager pager;

    public DynamoUsageReader(DynamoDbClient ddb, String table) {
        this.pager = new TimeSeriesPager(ddb, table);
    }

    @Override
    public Page records(Instant from, Instant to, Filter filter, int limit, String cursor) {
        String sk = TimeSeriesPager.decode(cursor);
        TimeSeriesPager.Filter f = expression(filter);
        TimeSeriesPager.Page page = filter.userId() != null
                ? pager.byIndex(UsageRecord.USER_INDEX_PREFIX + filter.userId(), from, to, f, limit, sk)
                : pager.byDay(UsageRecord.PARTITION_PREFIX, from, to, f, limit, sk);
        List<ObjectNode> items = new ArrayList<>();
        page.items().forEach(i -> items.add(TimeSeriesPager.toJson(i)));
        return new Page(items, page.nextCursor());
    }

    @Override
    public List<ObjectNode> rollups(String granularity, Instant from, Instant to) {
        List<ObjectNode> out = new ArrayList<>();
        boolean hourly = granularity.equals("hour");
        ChronoUnit unit = hourly ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        for (Instant b = from.truncatedTo(unit); b.isBefore(to); b = b.plus(1, unit)) {
            String pk = hourly ? "ROLL#hour#" + HOUR.format(b) : "ROLL#day#" + TimeSeriesPager.day(b);
            for (Map<String, AttributeValue> item : pager.partition(pk)) {
                ObjectNode n = TimeSeriesPager.toJson(item);
                n.put("bucket", b.toString());
                out.add(n);
            }
        }
        return out;
    }

    private static TimeSeriesPager.Filter expression(Filter filter) {
        List<String> parts = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        if (filter.providerId() != null) {
            add(parts, names, values, "provider_id", AttributeValue.fromN(Long.toString(filter.providerId())));
        }
        if (filter.credentialId() != null) {
            add(parts, names, values, "credential_id", AttributeValue.fromN(Long.toString(filter.credentialId())));
        }
        if (filter.routeName() != null) {
            add(parts, names, values, "route", AttributeValue.fromS(filter.routeName()));
        }
        if (filter.model() != null) {
            add(parts, names, values, "model", AttributeValue.fromS(filter.model()));
        }
        return parts.isEmpty() ? TimeSeriesPager.Filter.NONE
                : new TimeSeriesPager.Filter(String.join(" AND ", parts), names, values);
    }

    private static void add(List<String> parts, Map<String, String> names, Map<String, AttributeValue> values,
                            String attribute, AttributeValue value) {
        int i = parts.size();
        parts.add("#f" + i + " = :f" + i);
        names.put("#f" + i, attribute);
        values.put(":f" + i, value);
    }
}
