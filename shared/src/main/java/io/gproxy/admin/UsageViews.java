package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.store.UsageReader;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Usage records and rollups as the API shows them, shared by the admin and portal endpoints: times as ISO strings,
 * money as decimal strings (USD), the record's {@code route} also as {@code route_name} (the filter's name).
 */
final class UsageViews {
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    private final UsageReader reader;
    private final Clock clock;

    UsageViews(UsageReader reader, Clock clock) {
        this.reader = reader;
        this.clock = clock;
    }

    /** {@code {"items":[...],"next_cursor":...}}; {@code userId} non-null restricts to one user (portal). */
    ObjectNode list(AdminCall c, Long userId) throws GatewayError {
        TimeRange range = TimeRange.of(c, clock, Duration.ofDays(30));
        UsageReader.Page page = page(range, filter(c, userId), TimeRange.limit(c), c.query("cursor").orElse(null));
        ObjectNode body = Replies.items(page.items().stream().map(UsageViews::record).toList());
        body.put("next_cursor", page.nextCursor());
        return body;
    }

    ObjectNode summary(AdminCall c, Long userId) throws GatewayError {
        TimeRange range = TimeRange.of(c, clock, Duration.ofDays(30));
        UsageReader.Filter filter = filter(c, userId);
        long requests = 0, input = 0, output = 0, cacheRead = 0, cacheWrite = 0;
        BigDecimal cost = BigDecimal.ZERO;
        String cursor = null;
        do {
            UsageReader.Page page = page(range, filter, 1000, cursor);
            for (ObjectNode r : page.items()) {
                requests++;
                input += r.path("input_tokens").asLong();
                output += r.path("output_tokens").asLong();
                cacheRead += r.path("cache_read_tokens").asLong();
                cacheWrite += r.path("cache_creation_5m_tokens").asLong() + r.path("cache_creation_30m_tokens").asLong()
                        + r.path("cache_creation_1h_tokens").asLong();
                cost = cost.add(decimal(r.get("cost")));
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return Replies.object().put("requests", requests).put("input_tokens", input).put("output_tokens", output)
                .put("cache_read_tokens", cacheRead).put("cache_write_tokens", cacheWrite)
                .put("cost", cost.stripTrailingZeros().toPlainString());
    }

    ObjectNode rollups(AdminCall c, Long userId) throws GatewayError {
        String granularity = c.query("granularity").orElse("day");
        if (!granularity.equals("hour") && !granularity.equals("day")) {
            throw GatewayError.badRequest("granularity: expected hour or day");
        }
        boolean hourly = granularity.equals("hour");
        TimeRange range = TimeRange.of(c, clock, hourly ? Duration.ofHours(24) : Duration.ofDays(30));
        if (hourly && Duration.between(range.from(), range.to()).compareTo(Duration.ofDays(31)) > 0) {
            throw GatewayError.badRequest("from: hourly rollups span at most 31 days");
        }
        List<ObjectNode> rows = reader.rollups(granularity, range.from(), range.to()).stream()
                .map(UsageViews::rollup)
                .filter(r -> userId == null || r.path("user_id").asLong(-1) == userId)
                .toList();
        return Replies.items(rows);
    }

    private UsageReader.Page page(TimeRange range, UsageReader.Filter filter, int limit, String cursor)
            throws GatewayError {
        try {
            return reader.records(range.from(), range.to(), filter, limit, cursor);
        } catch (IllegalArgumentException e) {
            throw GatewayError.badRequest("cursor: not a cursor from this endpoint");
        }
    }

    /** Query filters; a portal caller's own id replaces any {@code user_id} parameter. */
    private static UsageReader.Filter filter(AdminCall c, Long userId) throws GatewayError {
        return new UsageReader.Filter(userId != null ? userId : TimeRange.optionalId(c, "user_id"),
                TimeRange.optionalId(c, "provider_id"), TimeRange.optionalId(c, "credential_id"),
                c.query("route_name").orElse(null), c.query("model").orElse(null));
    }

    static ObjectNode record(ObjectNode r) {
        ObjectNode v = r.deepCopy();
        if (r.has("at")) {
            v.put("at", Instant.ofEpochMilli(r.get("at").asLong()).toString());
        }
        if (r.has("cost")) {
            v.put("cost", decimal(r.get("cost")).toPlainString());
        }
        if (r.has("route")) {
            v.put("route_name", r.get("route").asText());
        }
        return v;
    }

    static ObjectNode rollup(ObjectNode r) {
        ObjectNode v = Replies.object();
        v.put("bucket", r.path("bucket").asText());
        for (String dim : List.of("provider_id", "org_id", "team_id", "user_id")) {
            String s = r.path(dim).asText("-");
            if (s.equals("-") || s.isEmpty()) {
                v.putNull(dim);
            } else {
                try {
                    v.put(dim, Long.parseLong(s));
                } catch (NumberFormatException e) {
                    v.put(dim, s);
                }
            }
        }
        String route = r.path("route").asText("-");
        v.put("route_name", route.equals("-") ? null : route);
        String model = r.path("model").asText("-");
        v.put("model", model.equals("-") ? null : model);
        for (String sum : List.of("requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")) {
            v.put(sum, r.path(sum).asLong());
        }
        v.put("cost", BigDecimal.valueOf(r.path("cost_micros").asLong()).divide(MICROS).stripTrailingZeros().toPlainString());
        return v;
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n == null || n.isNull()) {
            return BigDecimal.ZERO;
        }
        try {
            return n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText());
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
