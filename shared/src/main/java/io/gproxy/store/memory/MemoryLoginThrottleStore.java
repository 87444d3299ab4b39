package io.gproxy.store.memory;

import io.gproxy.store.LoginThrottleStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory failed-login windows for unit tests only. */
public final class MemoryLoginThrottleStore implements LoginThrottleStore {
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    @Override
    public Optional<Window> window(String subject, Instant now, Duration window) {
        Window w = windows.get(subject);
        return w == null || !w.since().plus(window).isAfter(now) ? Optional.empty() : Optional.of(w);
    }

    @Override
    public void recordFailure(String subject, Instant now, Duration window) {
        windows.compute(subject, (k, w) -> w == null || !w.since().plus(window).isAfter(now)
                ? new Window(1, now) : new Window(w.failures() + 1, w.since()));
    }

    @Override
    public void clear(String subject) {
        windows.remove(subject);
    }
}
