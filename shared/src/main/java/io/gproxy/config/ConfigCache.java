package io.gproxy.config;

import io.gproxy.store.ConfigStore;
import io.gproxy.store.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the current {@link ConfigSnapshot} of a warm process and keeps it fresh by reading the store's version at
 * most once per refresh interval, reloading only when it changed. Readers never block each other; at most one
 * thread checks or reloads at a time while the others keep serving the snapshot they have.
 */
public final class ConfigCache {
    private final ConfigStore store;
    private final Clock clock;
    private final long refreshMillis;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile ConfigSnapshot current;
    private volatile long nextCheckAt;
    private final java.util.List<Runnable> pollListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ConfigCache(ConfigStore store, Duration refreshInterval, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.refreshMillis = refreshInterval.toMillis();
    }

    /**
     * Runs {@code listener} with every version poll and every reload, on the polling thread (one at a time): state
     * that must be as fresh as the config but must not cost a read per request (shared credential health) rides on
     * the poll interval this way. A listener's failure is logged and does not stop the poll.
     */
    public void addPollListener(Runnable listener) {
        pollListeners.add(listener);
    }

    private void polled() {
        for (Runnable l : pollListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                System.err.println("{\"level\":\"warn\",\"msg\":\"config poll listener failed: "
                        + e.getClass().getSimpleName() + "\"}");
            }
        }
    }

    /** The snapshot to serve this request with. The first call loads; a store failure then propagates. */
    public ConfigSnapshot current() {
        ConfigSnapshot snap = current;
        if (snap == null) {
            return reload();
        }
        if (clock.millis() >= nextCheckAt && refreshLock.tryLock()) {
            try {
                if (clock.millis() >= nextCheckAt) {
                    nextCheckAt = clock.millis() + refreshMillis;
                    if (store.version() != snap.version()) {
                        return reloadLocked();
                    }
                    polled();
                }
            } catch (StoreUnavailableException e) {
                // Config may be a few seconds stale; serving it beats failing every request while the store hiccups.
                System.err.println("{\"level\":\"warn\",\"msg\":\"config version check failed; serving version "
                        + snap.version() + "\"}");
            } finally {
                refreshLock.unlock();
            }
        }
        return current;
    }

    /** Loads the whole config now (after an admin write in this process, or at startup). */
    public ConfigSnapshot reload() {
        refreshLock.lock();
        try {
            return reloadLocked();
        } finally {
            refreshLock.unlock();
        }
    }

    private ConfigSnapshot reloadLocked() {
        ConfigSnapshot snap = ConfigSnapshot.build(store.load());
        for (String w : snap.warnings()) {
            System.err.println("{\"level\":\"warn\",\"msg\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(w) + "}");
        }
        current = snap;
        nextCheckAt = clock.millis() + refreshMillis;
        polled();
        return snap;
    }
}
