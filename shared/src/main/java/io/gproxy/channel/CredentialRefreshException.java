package io.gproxy.channel;

import java.time.Duration;

/**
 * A credential could not be made fresh for this attempt: the pipeline skips the candidate, cools the credential
 * for {@link #cooldown()} (credential-wide) and audits the message. {@code credentialDead} marks rejections that
 * need a new login ({@code invalid_grant} and the like): cooled like an AuthDead credential.
 */
public final class CredentialRefreshException extends Exception {
    /** Cooldown after a transient refresh failure (token endpoint down, lease wait timed out). */
    public static final Duration TRANSIENT_COOLDOWN = Duration.ofSeconds(30);

    private final boolean credentialDead;

    public CredentialRefreshException(String message, boolean credentialDead, Throwable cause) {
        super(message, cause, false, false);
        this.credentialDead = credentialDead;
    }

    public boolean credentialDead() {
        return credentialDead;
    }

    public Duration cooldown() {
        return credentialDead ? Disposition.AUTH_DEAD_COOLDOWN : TRANSIENT_COOLDOWN;
    }
}
