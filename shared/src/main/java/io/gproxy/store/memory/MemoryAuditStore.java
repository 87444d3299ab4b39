package io.gproxy.store.memory;

import io.gproxy.store.AuditStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** In-memory audit log for unit tests only; the cursor is an offset. */
public final class MemoryAuditStore implements AuditStore {
    private final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized void append(Entry entry, int retentionDays) {
        entries.add(entry);
    }

    @Override
    public synchronized Page query(Instant from, Instant to, Long actorId, int limit, String cursor) {
        List<Entry> match = entries.stream()
                .filter(e -> !e.at().isBefore(from) && e.at().isBefore(to))
                .filter(e -> actorId == null || actorId.equals(e.actorId()))
                .sorted(Comparator.comparing(Entry::at).reversed()).toList();
        int offset = cursor == null ? 0 : Integer.parseInt(cursor);
        int end = Math.min(match.size(), offset + limit);
        return new Page(new ArrayList<>(match.subList(Math.min(offset, end), end)),
                end < match.size() ? Integer.toString(end) : null);
    }

    public synchronized List<Entry> all() {
        return List.copyOf(entries);
    }
}
