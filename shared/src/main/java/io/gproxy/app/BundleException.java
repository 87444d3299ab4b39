package io.gproxy.app;

/** A malformed import bundle. The message names the entity, the id and the field; nothing was imported. */
public final class BundleException extends Exception {
    public BundleException(String message) {
        super(message, null, false, false);
    }
}
