package io.gproxy.channel.pool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-provider rotation counters for {@link CredentialPool} (spec/core.md §6.5: per-instance soft state, like v2's
 * in-process counters; a shared DynamoDB counter would cost a write per request for little gain).
 */
public interface RotationCounters {

    /** The counter value for this request; each call advances it. */
    long next(long providerId);

    /** In-process counters. */
    static RotationCounters local() {
        Map<Long, AtomicLong> counters = new ConcurrentHashMap<>();
        return providerId -> counters.computeIfAbsent(providerId, k -> new AtomicLong()).getAndIncrement();
    }
}
