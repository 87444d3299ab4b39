package io.gproxy.store;

import java.util.Map;

/**
 * One counter item touched by a reservation or a settlement: numbers added ({@code ADD}), upper bounds that must
 * hold before the write ({@code attribute_not_exists(a) OR a <= bound}, so a missing counter counts as zero), text
 * attributes set once ({@code if_not_exists}), and a TTL set when the item is created.
 *
 * @param add     attribute → amount to add (may be negative)
 * @param atMost  attribute → the largest value it may have before this write; empty: unconditional
 * @param setOnce attribute → text written only if absent (dimensions of a rollup, for readers)
 * @param ttl     epoch seconds for the {@code ttl} attribute when the item is created; null: never expires
 */
public record CounterUpdate(String pk, String sk, Map<String, Long> add, Map<String, Long> atMost,
                            Map<String, String> setOnce, Long ttl) {

    public CounterUpdate {
        add = Map.copyOf(add);
        atMost = Map.copyOf(atMost);
        setOnce = Map.copyOf(setOnce);
    }

    public static CounterUpdate add(String pk, String sk, Map<String, Long> add, Long ttl) {
        return new CounterUpdate(pk, sk, add, Map.of(), Map.of(), ttl);
    }

    public boolean conditional() {
        return !atMost.isEmpty();
    }

    /** Same item, other amounts and no condition: the settlement of what a reservation wrote. */
    public CounterUpdate adjust(Map<String, Long> amounts) {
        return new CounterUpdate(pk, sk, amounts, Map.of(), setOnce, ttl);
    }
}
