package io.gproxy.transform;

/**
 * A payload could not be converted: the source does not decode (malformed for its protocol) or the target cannot
 * express something essential. On the request path this is a 422 for the client; on the response path a 502.
 */
public final class TransformException extends Exception {
    public TransformException(String message) {
        super(message, null, false, false);
    }
}
