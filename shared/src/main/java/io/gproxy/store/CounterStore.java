package io.gproxy.store;

import java.util.List;
import java.util.Map;

/**
 * Counters for rate limits, budgets and usage (DESIGN §5): reserve-then-settle with conditional adds. A
 * reservation applies all its updates or none (so a refused request consumes nothing) and leaves a reservation
 * marker; the settlement of the same request id applies exactly once, whatever the retries.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the store cannot be reached; callers fail closed.
 */
public interface CounterStore {

    /**
     * Applies every update atomically if every bound holds, together with a reservation marker for
     * {@code requestId} that expires at {@code markerTtl} (epoch seconds).
     *
     * @throws CounterRefusedException a bound did not hold (nothing written)
     */
    void reserve(String requestId, List<CounterUpdate> updates, long markerTtl) throws CounterRefusedException;

    /**
     * Applies the settlement of a request atomically, once: with {@code reserved}, only while the request's
     * reservation marker exists (and removes it); otherwise only while no settlement marker exists (and writes one
     * that expires at {@code markerTtl}). Records are put only if absent.
     *
     * @return true when applied now; false when this request was settled before (nothing written)
     */
    boolean settle(String requestId, boolean reserved, List<CounterUpdate> updates, List<StoredRecord> records,
                   long markerTtl);

    /** One conditional update outside any reservation (per-credential minute budgets); false when refused. */
    boolean tryUpdate(CounterUpdate update);

    /** The numeric attributes of a counter item (empty when absent); for tests and admin views. */
    Map<String, Long> read(String pk, String sk);
}
