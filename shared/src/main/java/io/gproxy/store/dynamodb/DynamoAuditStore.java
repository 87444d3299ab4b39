package io.gproxy.store.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.AuditStore;
import io.gproxy.store.StoreUnavailableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Audit rows as {@code pk = AUD#<yyyy-mm-dd>}, {@code sk = <ISO time>#<random>}: the same day-partition layout as
 * usage records, read newest first by {@link TimeSeriesPager}; {@code ttl} = time + retention days.
 */
public final class DynamoAuditStore implements AuditStore {
    static final String PREFIX = "AUD#";

    private final DynamoDbClient ddb;
    private final String table;
    private final TimeSeriesPager pager;

    public DynamoAuditStore(DynamoDbClient ddb, String table) {
        this.ddb = ddb;
        this.table = table;
        this.pager = new TimeSeriesPager(ddb, table);
    }

    @Override
    public void append(Entry e, int retentionDays) {
        // uniqueness within the millisecond only, not a secret: a cheap random suffix is enough
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, AttributeValue.fromS(PREFIX + TimeSeriesPager.day(e.at())));
        item.put(DynamoTable.SK, AttributeValue.fromS(TimeSeriesPager.TS.format(e.at()) + "#" + suffix));
        item.put("at", AttributeValue.fromN(Long.toString(e.at().toEpochMilli())));
        if (e.actorId() != null) {
            item.put("actor_id", AttributeValue.fromN(Long.toString(e.actorId())));
        }
        if (e.actorName() != null) {
            item.put("actor_name", AttributeValue.fromS(e.actorName()));
        }
        item.put("action", AttributeValue.fromS(e.action()));
        item.put("target", AttributeValue.fromS(e.target()));
        item.put("status", AttributeValue.fromN(Integer.toString(e.status())));
        if (e.sourceIp() != null) {
            item.put("source_ip", AttributeValue.fromS(e.sourceIp()));
        }
        if (retentionDays > 0) {
            item.put(DynamoTable.TTL, AttributeValue.fromN(Long.toString(e.at().getEpochSecond() + retentionDays * 86400L)));
        }
        try {
            ddb.putItem(p -> p.tableName(table).item(item));
        } catch (SdkException ex) {
            throw new StoreUnavailableException("audit write failed", ex);
        }
    }

    @Override
    public Page query(Instant from, Instant to, Long actorId, int limit, String cursor) {
        TimeSeriesPager.Filter filter = actorId == null ? TimeSeriesPager.Filter.NONE
                : new TimeSeriesPager.Filter("#actor = :actor", Map.of("#actor", "actor_id"),
                Map.of(":actor", AttributeValue.fromN(Long.toString(actorId))));
        TimeSeriesPager.Page page = pager.byDay(PREFIX, from, to, filter, limit, TimeSeriesPager.decode(cursor));
        List<Entry> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            ObjectNode n = TimeSeriesPager.toJson(item);
            out.add(new Entry(Instant.ofEpochMilli(n.path("at").asLong()),
                    n.hasNonNull("actor_id") ? n.get("actor_id").asLong() : null,
                    n.hasNonNull("actor_name") ? n.get("actor_name").asText() : null,
                    n.path("action").asText(), n.path("target").asText(), n.path("status").asInt(),
                    n.hasNonNull("source_ip") ? n.get("source_ip").asText() : null));
        }
        return new Page(out, page.nextCursor());
    }
}
