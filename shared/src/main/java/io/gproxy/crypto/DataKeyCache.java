package io.gproxy.crypto;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small, bounded, time-limited cache of decrypted KMS data keys, so a warm container does not call KMS
 * {@code Decrypt} on every request. Entries are keyed by the encrypted data key <em>and</em> the encryption context,
 * so a cache hit never skips a context check that KMS would have made.
 *
 * <p>The cache owns its key bytes: {@link #get} hands out a copy (the caller zeroes it), and entries are zeroed
 * when they expire, are evicted or {@link #clear cleared}, so a key copy stays alive only as long as needed.
 * Thread-safe by a single lock; the critical sections are a map lookup and an array copy.
 */
final class DataKeyCache {
    private record Entry(byte[] key, Instant expires) {}

    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;
    // Access order, so the eldest entry is the least recently used one.
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    DataKeyCache(Clock clock, Duration ttl, int maxEntries) {
        if (ttl.isNegative() || maxEntries < 0) {
            throw new IllegalArgumentException("cache ttl and size must not be negative");
        }
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
    }

    /** Disabled caches (zero TTL or size) never store anything. */
    boolean enabled() {
        return !ttl.isZero() && maxEntries > 0;
    }

    /** A copy of the cached key, or null when absent or expired. */
    synchronized byte[] get(String cacheKey) {
        Entry e = entries.get(cacheKey);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(cacheKey);
            Arrays.fill(e.key(), (byte) 0);
            return null;
        }
        return e.key().clone();
    }

    /** Stores a copy of {@code key}; the caller keeps ownership of (and zeroes) its own array. */
    synchronized void put(String cacheKey, byte[] key) {
        if (!enabled()) {
            return;
        }
        Entry old = entries.put(cacheKey, new Entry(key.clone(), clock.instant().plus(ttl)));
        if (old != null) {
            Arrays.fill(old.key(), (byte) 0);
        }
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > maxEntries && it.hasNext()) {
            Arrays.fill(it.next().getValue().key(), (byte) 0);
            it.remove();
        }
    }

    synchronized void clear() {
        entries.values().forEach(e -> Arrays.fill(e.key(), (byte) 0));
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }
}
