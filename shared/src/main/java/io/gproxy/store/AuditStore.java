package io.gproxy.store;

import java.time.Instant;
import java.util.List;

/** The admin audit log (spec/core.md §4.5 {@code audit_logs}): one row per mutation or login attempt, never a body. */
public interface AuditStore {

    record Entry(Instant at, Long actorId, String actorName, String action, String target, int status,
                 String sourceIp) {}

    record Page(List<Entry> items, String nextCursor) {}

    /** @param retentionDays rows expire this many days after {@code at}; 0 keeps them */
    void append(Entry entry, int retentionDays);

    /** Newest first; {@code cursor} from a previous page or null. */
    Page query(Instant from, Instant to, Long actorId, int limit, String cursor);
}
