package io.gproxy.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failed-login counters per subject ({@code user:<name>}, {@code ip:<address>}): a window opens at the first
 * failure and lasts {@code window}; failures inside it add up. Errors propagate as
 * {@link StoreUnavailableException} so the caller can fail closed.
 */
public interface LoginThrottleStore {

    /** Failures counted in the window that opened at {@code since}. */
    record Window(long failures, Instant since) {}

    /** The open window of a subject at {@code now}, if any. */
    Optional<Window> window(String subject, Instant now, Duration window);

    void recordFailure(String subject, Instant now, Duration window);

    void clear(String subject);
}
