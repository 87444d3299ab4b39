package io.gproxy.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * Reads the usage records and rollups the settlement writes (no new items): records newest first with cursor
 * pagination, rollups per bucket.
 */
public interface UsageReader {

    /** Equality filters on usage records; null fields do not filter. */
    record Filter(Long userId, Long providerId, Long credentialId, String routeName, String model) {}

    record Page(List<ObjectNode> items, String nextCursor) {}

    /** Records with {@code from <= at < to}, newest first. */
    Page records(Instant from, Instant to, Filter filter, int limit, String cursor);

    /** Rollup rows of {@code granularity} ({@code hour} or {@code day}) whose bucket starts in [from, to). */
    List<ObjectNode> rollups(String granularity, Instant from, Instant to);
}
