package io.gproxy.store.dynamodb;

import io.gproxy.store.CounterUpdate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit of settled amounts: nothing lost or counted twice, fewer writes under contention. */
class CounterBatcherTest {

    @Test
    void concurrentSettlementsSumExactlyAndShareWrites() throws Exception {
        Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
        AtomicInteger writes = new AtomicInteger();
        CounterBatcher batcher = new CounterBatcher(u -> {
            writes.incrementAndGet();
            sleep(2); // a write takes a while, so settlements pile up behind the leader
            u.add().forEach((k, v) -> totals.computeIfAbsent(u.pk() + "|" + u.sk() + "|" + k, x -> new AtomicLong()).addAndGet(v));
        });
        int n = 200;
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int cost = i;
            pool.submit(() -> {
                batcher.apply(List.of(
                        CounterUpdate.add("CTR#user#2", "Q#total", Map.of("spent", (long) cost, "committed", -1L), null),
                        CounterUpdate.add("ROLL#day#d", "dims", Map.of("requests", 1L), 99L)));
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        pool.shutdown();
        assertEquals((long) n * (n - 1) / 2, totals.get("CTR#user#2|Q#total|spent").get());
        assertEquals(-n, totals.get("CTR#user#2|Q#total|committed").get());
        assertEquals(n, totals.get("ROLL#day#d|dims|requests").get());
        assertTrue(writes.get() < 2 * n, "merged writes: " + writes.get() + " for " + n + " settlements");
    }

    @Test
    void aLoneSettlementWritesItsOwnItems() {
        AtomicInteger writes = new AtomicInteger();
        new CounterBatcher(u -> writes.incrementAndGet()).apply(List.of(
                CounterUpdate.add("a", "1", Map.of("x", 1L), null), CounterUpdate.add("b", "1", Map.of("x", 1L), null)));
        assertEquals(2, writes.get());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
