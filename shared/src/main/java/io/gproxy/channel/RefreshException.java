package io.gproxy.channel;

/**
 * A credential could not be refreshed. {@code credentialDead} is true when the token endpoint rejected the grant
 * itself ({@code invalid_grant}, revoked or expired refresh token, 400/401 from the token endpoint): retrying will
 * not help, the credential needs a new login. Otherwise the failure is transient (network, 5xx, 429).
 */
public final class RefreshException extends Exception {
    private final boolean credentialDead;

    public RefreshException(String message, boolean credentialDead) {
        super(message, null, false, false);
        this.credentialDead = credentialDead;
    }

    public RefreshException(String message, boolean credentialDead, Throwable cause) {
        super(message, cause, false, false);
        this.credentialDead = credentialDead;
    }

    public boolean credentialDead() {
        return credentialDead;
    }
}
