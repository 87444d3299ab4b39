package io.gproxy.app;

/**
 * A malformed import bundle (or admin upsert). The message names the entity, the id and the field; nothing was
 * written. {@link #conflict()} tells a clash with existing rows (a taken unique name, a registered key) from a
 * malformed row, so the admin API can answer 409 rather than 400.
 */
public final class BundleException extends Exception {
    private final boolean conflict;

    public BundleException(String message) {
        this(message, false);
    }

    public BundleException(String message, boolean conflict) {
        super(message, null, false, false);
        this.conflict = conflict;
    }

    public boolean conflict() {
        return conflict;
    }
}
