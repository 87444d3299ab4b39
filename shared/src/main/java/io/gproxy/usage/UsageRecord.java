package io.gproxy.usage;

import io.gproxy.store.StoredRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * One served request's usage (spec/core.md §4.5 {@code usages}), written once per request id. Stored as
 * {@code pk = USE#<yyyy-mm-dd>}, {@code sk = <ts>#<request id>} (ts: ISO-8601 UTC with milliseconds, so a day's
 * records sort by time), {@code gsi1pk = USER#<user id>}, {@code gsi1sk = <ts>#<request id>} for per-user queries, and
 * {@code ttl} = time + retention days (none when retention is 0).
 */
public record UsageRecord(String requestId, Instant at, long userId, long userKeyId, long orgId, Long teamId,
                          String route, long providerId, String provider, long credentialId, String operation,
                          String kind, String model, long inputTokens, long outputTokens, long cacheReadTokens,
                          long cacheCreation5mTokens, long cacheCreation30mTokens, long cacheCreation1hTokens,
                          long imageOutputTokens, long reasoningTokens, BigDecimal cost, long costMicros,
                          long estimateMicros, long latencyMs, UsageSource source, Ended ended) {
    public static final String PARTITION_PREFIX = "USE#";
    public static final String USER_INDEX_PREFIX = "USER#";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public String partition() {
        return PARTITION_PREFIX + at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    public String sortKey() {
        return TS.format(at) + "#" + requestId;
    }

    public StoredRecord toStored(int retentionDays) {
        Map<String, Object> a = new HashMap<>();
        a.put("gsi1pk", USER_INDEX_PREFIX + userId);
        a.put("gsi1sk", sortKey());
        a.put("request_id", requestId);
        a.put("at", at.toEpochMilli());
        a.put("user_id", userId);
        a.put("user_key_id", userKeyId);
        a.put("org_id", orgId);
        if (teamId != null) {
            a.put("team_id", teamId);
        }
        if (route != null) {
            a.put("route", route);
        }
        a.put("provider_id", providerId);
        a.put("provider", provider);
        a.put("credential_id", credentialId);
        a.put("operation", operation);
        a.put("kind", kind);
        if (model != null) {
            a.put("model", model);
        }
        a.put("input_tokens", inputTokens);
        a.put("output_tokens", outputTokens);
        a.put("cache_read_tokens", cacheReadTokens);
        a.put("cache_creation_5m_tokens", cacheCreation5mTokens);
        a.put("cache_creation_30m_tokens", cacheCreation30mTokens);
        a.put("cache_creation_1h_tokens", cacheCreation1hTokens);
        a.put("image_output_tokens", imageOutputTokens);
        a.put("reasoning_tokens", reasoningTokens);
        a.put("cost", cost);
        a.put("cost_micros", costMicros);
        a.put("estimate_micros", estimateMicros);
        a.put("latency_ms", latencyMs);
        a.put("usage_source", source.id());
        a.put("ended", ended.id());
        if (retentionDays > 0) {
            a.put("ttl", at.getEpochSecond() + retentionDays * 86400L);
        }
        return new StoredRecord(partition(), sortKey(), a);
    }
}
