package io.gproxy.store;

/** The store could not be reached or refused the call (throttling, network). Callers fail closed. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
