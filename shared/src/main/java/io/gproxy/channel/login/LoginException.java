package io.gproxy.channel.login;

/**
 * A login step that cannot go on. {@code status} is what the admin API answers: 400 for what the operator can fix
 * (wrong or expired code, state mismatch, denied consent), 502 when the provider failed.
 */
public final class LoginException extends Exception {
    private final int status;

    public LoginException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
