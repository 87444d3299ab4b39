package io.gproxy.store.memory;

import io.gproxy.store.LeaseStore;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** In-memory leases for unit tests only. */
public final class MemoryLeaseStore implements LeaseStore {
    private record Lease(String owner, Instant expires) {}

    private final Map<String, Lease> leases = new HashMap<>();

    @Override
    public synchronized boolean tryAcquire(String name, String owner, Duration ttl, Instant now) {
        Lease l = leases.get(name);
        if (l != null && l.expires.isAfter(now) && !l.owner.equals(owner)) {
            return false;
        }
        leases.put(name, new Lease(owner, now.plus(ttl)));
        return true;
    }

    @Override
    public synchronized boolean renew(String name, String owner, Duration ttl, Instant now) {
        Lease l = leases.get(name);
        if (l == null || !l.owner.equals(owner)) {
            return false;
        }
        leases.put(name, new Lease(owner, now.plus(ttl)));
        return true;
    }

    @Override
    public synchronized void release(String name, String owner) {
        Lease l = leases.get(name);
        if (l != null && l.owner.equals(owner)) {
            leases.remove(name);
        }
    }
}
