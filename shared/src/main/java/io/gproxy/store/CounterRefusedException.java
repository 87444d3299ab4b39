package io.gproxy.store;

/**
 * A reservation was refused: the bound of one of its {@link CounterUpdate}s did not hold. Nothing was written.
 */
public final class CounterRefusedException extends Exception {
    private final int index;

    public CounterRefusedException(int index) {
        super("counter " + index + " is at its limit", null, false, false);
        this.index = index;
    }

    /** Index of the first refusing update in the list given to {@link CounterStore#reserve}. */
    public int index() {
        return index;
    }
}
