package io.gproxy.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.StoreUnavailableException;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm-process config cache: no store read between checks, one cheap version read per interval, a full reload
 * only when the version moved, and the last good snapshot kept while the store is unreachable.
 */
class ConfigCacheTest {
    private final MutableClock clock = new MutableClock();
    private final CountingStore store = new CountingStore();
    private final ConfigCache cache = new ConfigCache(store, Duration.ofSeconds(5), clock);

    @Test
    void servesTheSnapshotWithoutStoreReadsUntilTheIntervalPasses() {
        store.write(List.of(route(1, "fast")), List.of());
        ConfigSnapshot first = cache.current();
        assertTrue(first.route("fast").isPresent());
        int loads = store.loads.get();
        int versionReads = store.versionReads.get();

        store.write(List.of(route(2, "smart")), List.of());
        clock.advance(Duration.ofSeconds(4));
        assertSame(first, cache.current(), "inside the interval: same snapshot");
        assertEquals(versionReads, store.versionReads.get(), "inside the interval: not even a version read");

        clock.advance(Duration.ofSeconds(2));
        ConfigSnapshot second = cache.current();
        assertTrue(second.route("smart").isPresent(), "the change is served after the interval");
        assertEquals(loads + 1, store.loads.get());
    }

    @Test
    void anUnchangedVersionCostsOneReadAndNoReload() {
        store.write(List.of(route(1, "fast")), List.of());
        ConfigSnapshot first = cache.current();
        int loads = store.loads.get();
        clock.advance(Duration.ofSeconds(6));
        assertSame(first, cache.current());
        assertEquals(loads, store.loads.get());
    }

    @Test
    void keepsServingTheLastSnapshotWhileTheStoreIsDown() {
        store.write(List.of(route(1, "fast")), List.of());
        ConfigSnapshot first = cache.current();
        store.down.set(true);
        clock.advance(Duration.ofSeconds(6));
        assertSame(first, cache.current());
    }

    @Test
    void theFirstLoadFailsLoudlyWhenTheStoreIsDown() {
        store.down.set(true);
        assertThrows(StoreUnavailableException.class, cache::current);
    }

    private static ConfigItem route(long id, String name) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("id", id);
        doc.put("name", name);
        doc.put("enabled", true);
        return new ConfigItem(EntityType.ROUTE, Long.toString(id), doc);
    }

    private static final class CountingStore implements ConfigStore {
        final MemoryConfigStore delegate = new MemoryConfigStore();
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger versionReads = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public long version() {
            versionReads.incrementAndGet();
            failIfDown();
            return delegate.version();
        }

        @Override
        public ConfigState load() {
            loads.incrementAndGet();
            failIfDown();
            return delegate.load();
        }

        @Override
        public void write(List<ConfigItem> puts, List<ConfigKey> deletes) {
            delegate.write(puts, deletes);
        }

        private void failIfDown() {
            if (down.get()) {
                throw new StoreUnavailableException("down", null);
            }
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
