package io.gproxy.store.memory;

import io.gproxy.store.CounterRefusedException;
import io.gproxy.store.CounterStore;
import io.gproxy.store.CounterUpdate;
import io.gproxy.store.StoredRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** In-memory counters with the same semantics as the DynamoDB adapter, for unit tests only. */
public final class MemoryCounterStore implements CounterStore {
    private final Map<String, Map<String, Long>> counters = new HashMap<>();
    private final Map<String, Map<String, Object>> records = new HashMap<>();
    private final Set<String> reservations = new HashSet<>();
    private final Set<String> settled = new HashSet<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private int writes;

    /** Every call fails as if the store were unreachable while set. */
    public void failing(boolean on) {
        failing.set(on);
    }

    @Override
    public synchronized void reserve(String requestId, List<CounterUpdate> updates, long markerTtl)
            throws CounterRefusedException {
        check();
        if (reservations.contains(requestId)) {
            return;
        }
        for (int i = 0; i < updates.size(); i++) {
            if (!holds(updates.get(i))) {
                throw new CounterRefusedException(i);
            }
        }
        updates.forEach(this::apply);
        reservations.add(requestId);
        writes++;
    }

    @Override
    public synchronized boolean settle(String requestId, boolean reserved, List<CounterUpdate> updates,
                                       List<StoredRecord> recs, long markerTtl) {
        check();
        if (reserved ? !reservations.contains(requestId) : settled.contains(requestId)) {
            return false;
        }
        for (StoredRecord r : recs) {
            if (records.containsKey(key(r.pk(), r.sk()))) {
                return false;
            }
        }
        if (reserved) {
            reservations.remove(requestId);
        } else {
            settled.add(requestId);
        }
        updates.forEach(this::apply);
        recs.forEach(r -> records.put(key(r.pk(), r.sk()), new HashMap<>(r.attributes())));
        writes++;
        return true;
    }

    @Override
    public synchronized boolean tryUpdate(CounterUpdate update) {
        check();
        if (!holds(update)) {
            return false;
        }
        apply(update);
        writes++;
        return true;
    }

    @Override
    public synchronized Map<String, Long> read(String pk, String sk) {
        check();
        return Map.copyOf(counters.getOrDefault(key(pk, sk), Map.of()));
    }

    /** Records whose partition key is {@code pk}. */
    public synchronized List<Map<String, Object>> records(String pkPrefix) {
        List<Map<String, Object>> out = new ArrayList<>();
        records.forEach((k, v) -> {
            if (k.startsWith(pkPrefix)) {
                out.add(Map.copyOf(v));
            }
        });
        return out;
    }

    /** Write calls so far (reservations, settlements, single updates). */
    public synchronized int writes() {
        return writes;
    }

    public synchronized boolean reserved(String requestId) {
        return reservations.contains(requestId);
    }

    private boolean holds(CounterUpdate u) {
        Map<String, Long> item = counters.getOrDefault(key(u.pk(), u.sk()), Map.of());
        for (Map.Entry<String, Long> b : u.atMost().entrySet()) {
            Long v = item.get(b.getKey());
            if (v != null && v > b.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(CounterUpdate u) {
        Map<String, Long> item = counters.computeIfAbsent(key(u.pk(), u.sk()), k -> new HashMap<>());
        u.add().forEach((k, v) -> item.merge(k, v, Long::sum));
    }

    private void check() {
        if (failing.get()) {
            throw new io.gproxy.store.StoreUnavailableException("memory counters set to fail", null);
        }
    }

    private static String key(String pk, String sk) {
        return pk + "\u0000" + sk;
    }
}
