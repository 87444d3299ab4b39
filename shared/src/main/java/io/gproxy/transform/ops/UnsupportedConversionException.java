package io.gproxy.transform.ops;

/**
 * The gateway has no conversion between these two operation keys (a 501 for the client). Distinct from a
 * {@link io.gproxy.transform.TransformException}, which says this particular body does not convert (a 422).
 */
public final class UnsupportedConversionException extends Exception {
    public UnsupportedConversionException(String message) {
        super(message, null, false, false);
    }
}
