package io.gproxy.store.dynamodb;

import io.gproxy.store.CounterUpdate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Group commit for settled amounts: concurrent settlements hand in their unconditional {@code ADD}s, one of them
 * (the leader) merges everything queued — the same item's amounts summed — and writes each item once, then
 * releases all the settlements it wrote for. Under load many requests share the same budget windows, rollups and
 * credential days, so a hundred settlements may cost ten writes instead of seven hundred; alone, a settlement
 * writes its own items as before. The items of a batch are written in parallel. No background thread: the leader is a settling thread, so a Lambda invocation
 * that settles also finishes its own writes before it ends.
 */
final class CounterBatcher {
    private final Object lock = new Object();
    private final Consumer<CounterUpdate> writer;
    private List<Pending> queue = new ArrayList<>();
    private boolean flushing;

    private static final class Pending {
        final List<CounterUpdate> updates;
        volatile boolean done;

        Pending(List<CounterUpdate> updates) {
            this.updates = updates;
        }
    }

    /** @param writer writes one merged update (and handles its own retries) */
    CounterBatcher(Consumer<CounterUpdate> writer) {
        this.writer = writer;
    }

    /** Returns once these updates were written (by this thread or by the leader of their batch). */
    void apply(List<CounterUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        Pending mine = new Pending(updates);
        synchronized (lock) {
            queue.add(mine);
        }
        boolean interrupted = false;
        while (!mine.done) {
            List<Pending> batch = null;
            synchronized (lock) {
                if (mine.done) {
                    break;
                }
                if (!flushing) {
                    flushing = true;
                    batch = queue;
                    queue = new ArrayList<>();
                } else {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the settlement must finish: keep waiting, restore the flag after
                    }
                    continue;
                }
            }
            try {
                writeAll(merge(batch));
            } finally {
                synchronized (lock) {
                    batch.forEach(p -> p.done = true);
                    flushing = false;
                    lock.notifyAll();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes the items side by side (each its own virtual thread): they are independent, so a settlement waits for
     * the slowest write rather than for their sum. Interrupts are deferred: a settlement must finish its writes.
     */
    private void writeAll(List<CounterUpdate> items) {
        if (items.size() == 1) {
            writer.accept(items.get(0));
            return;
        }
        List<Thread> threads = new ArrayList<>(items.size());
        for (CounterUpdate u : items) {
            threads.add(Thread.ofVirtual().name("gproxy-settle-add").start(() -> writer.accept(u)));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One update per item: amounts summed, the first TTL and once-attributes kept. */
    static List<CounterUpdate> merge(List<Pending> batch) {
        Map<String, CounterUpdate> byItem = new LinkedHashMap<>();
        for (Pending p : batch) {
            for (CounterUpdate u : p.updates) {
                String key = u.pk() + "\u0000" + u.sk();
                CounterUpdate prev = byItem.get(key);
                if (prev == null) {
                    byItem.put(key, u);
                    continue;
                }
                Map<String, Long> add = new HashMap<>(prev.add());
                u.add().forEach((k, v) -> add.merge(k, v, Long::sum));
                Map<String, String> once = new HashMap<>(prev.setOnce());
                u.setOnce().forEach(once::putIfAbsent);
                byItem.put(key, new CounterUpdate(u.pk(), u.sk(), add, Map.of(), once, prev.ttl() != null ? prev.ttl() : u.ttl()));
            }
        }
        return new ArrayList<>(byItem.values());
    }
}
