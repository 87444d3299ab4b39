package io.gproxy.protocol;

/** The path is not a gateway route (404 "unsupported path"), or names a reserved provider. */
public final class UnsupportedPathException extends Exception {
    public UnsupportedPathException(String message) {
        super(message, null, false, false);
    }
}
