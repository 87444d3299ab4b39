package io.gproxy.crypto;

/** A secret could not be sealed or opened. The message never contains secret material. */
public final class SecretSealingException extends RuntimeException {
    public SecretSealingException(String message) {
        super(message);
    }

    public SecretSealingException(String message, Throwable cause) {
        super(message, cause);
    }
}
