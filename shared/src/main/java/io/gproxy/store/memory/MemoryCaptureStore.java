package io.gproxy.store.memory;

import io.gproxy.store.CaptureStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory captures for unit tests (expiry is not enforced). */
public final class MemoryCaptureStore implements CaptureStore {
    private final Map<String, Capture> captures = new LinkedHashMap<>();

    @Override
    public synchronized void put(Capture capture, Instant expiresAt) {
        captures.put(capture.requestId(), capture);
    }

    @Override
    public synchronized List<Capture> range(Instant from, Instant to, int limit) {
        return captures.values().stream()
                .filter(c -> !c.at().isBefore(from) && c.at().isBefore(to))
                .sorted(Comparator.comparing(Capture::at).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized Optional<Capture> get(String requestId) {
        return Optional.ofNullable(captures.get(requestId));
    }

    public synchronized List<Capture> all() {
        return new ArrayList<>(captures.values());
    }
}
