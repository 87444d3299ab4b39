package io.gproxy.billing;

import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoredRecord;
import io.gproxy.usage.Ended;
import io.gproxy.usage.UsageSource;

import java.math.BigDecimal;
import java.util.List;

/**
 * Everything one request's settlement writes, computed before the write so that it can be retried (or applied
 * twice, which changes nothing): counter adjustments (actual − estimate on the reserved budget buckets, spent
 * amounts, tokens, rollups), the usage record, and what it billed.
 */
public record Settlement(String requestId, boolean reserved, List<CounterUpdate> updates, List<StoredRecord> records,
                         BigDecimal cost, long costMicros, long estimateMicros, BilledUsage usage, UsageSource source,
                         Ended ended) {

    public Settlement {
        updates = List.copyOf(updates);
        records = List.copyOf(records);
    }

    /** Nothing to write: no reservation to settle and nothing served. */
    public boolean empty() {
        return updates.isEmpty() && records.isEmpty();
    }
}
