package io.gproxy.usage;

import io.gproxy.store.CounterUpdate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregates that a settlement adds to, so usage queries never scan raw records (spec/core.md §4.5, spec/aws.md
 * D5): hourly and daily rollups {@code pk = ROLL#hour#<yyyyMMddHH>} / {@code ROLL#day#<yyyy-MM-dd>} with
 * {@code sk = p=<provider id>|o=<org>|t=<team>|u=<user>|r=<route>|m=<model>}, and the per-credential daily usage
 * {@code pk = CRED#<credential id>}, {@code sk = D#<yyyy-MM-dd>#<model>}, which survives retention (no TTL). Hourly
 * rollups expire with the usage records; daily ones are kept.
 */
public final class Rollups {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    private Rollups() {}

    public static List<CounterUpdate> of(UsageRecord r, int retentionDays) {
        Map<String, Long> sums = sums(r);
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("provider_id", Long.toString(r.providerId()));
        dims.put("org_id", Long.toString(r.orgId()));
        dims.put("team_id", r.teamId() == null ? "-" : Long.toString(r.teamId()));
        dims.put("user_id", Long.toString(r.userId()));
        dims.put("route", r.route() == null ? "-" : r.route());
        dims.put("model", r.model() == null ? "-" : r.model());
        String sk = "p=" + dims.get("provider_id") + "|o=" + dims.get("org_id") + "|t=" + dims.get("team_id")
                + "|u=" + dims.get("user_id") + "|r=" + dims.get("route") + "|m=" + dims.get("model");
        Instant at = r.at();
        long hourEnd = (Math.floorDiv(at.getEpochSecond(), 3600) + 1) * 3600;
        List<CounterUpdate> out = new ArrayList<>(3);
        out.add(new CounterUpdate("ROLL#hour#" + HOUR.format(at), sk, sums, Map.of(), dims,
                retentionDays > 0 ? hourEnd + retentionDays * 86400L : null));
        out.add(new CounterUpdate("ROLL#day#" + at.atZone(ZoneOffset.UTC).toLocalDate(), sk, sums, Map.of(), dims, null));
        out.add(new CounterUpdate("CRED#" + r.credentialId(), "D#" + at.atZone(ZoneOffset.UTC).toLocalDate() + "#"
                + (r.model() == null ? "-" : r.model()), sums, Map.of(),
                Map.of("provider_id", Long.toString(r.providerId()), "credential_id", Long.toString(r.credentialId())), null));
        return out;
    }

    private static Map<String, Long> sums(UsageRecord r) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("requests", 1L);
        m.put("input_tokens", r.inputTokens());
        m.put("output_tokens", r.outputTokens());
        m.put("cache_read_tokens", r.cacheReadTokens());
        m.put("cache_write_tokens", r.cacheCreation5mTokens() + r.cacheCreation30mTokens() + r.cacheCreation1hTokens());
        m.put("image_output_tokens", r.imageOutputTokens());
        m.put("cost_micros", r.costMicros());
        return m;
    }
}
