package io.gproxy.store.memory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.UsageReader;

import java.time.Instant;
import java.util.List;

/** No usage (unit-test gateways without a table keep their counters in memory and record nothing to read). */
public final class EmptyUsageReader implements UsageReader {
    @Override
    public Page records(Instant from, Instant to, Filter filter, int limit, String cursor) {
        return new Page(List.of(), null);
    }

    @Override
    public List<ObjectNode> rollups(String granularity, Instant from, Instant to) {
        return List.of();
    }
}
