package io.gproxy.store;

import java.util.Optional;

/**
 * Direct, strongly consistent access to one credential's sealed secret, for refresh single-flight
 * (spec/core.md §11): re-read the row, and replace its secret only if it is still the one that was read
 * (compare-and-swap). Writing here does not bump the config version: the refreshed secret reaches other
 * containers through their own re-read on staleness ({@code CredentialRefresher}) and the next full reload.
 */
public interface CredentialSecretStore {

    /** The row as stored now, or empty when the credential no longer exists. */
    Optional<StoredSecret> read(long credentialId);

    /**
     * Replaces the sealed secret if the stored one still equals {@code expectedSealed} and the row is enabled.
     * Concurrent edits of the row's other fields are retried internally; false means the secret itself changed,
     * or the row was deleted or disabled (never resurrected).
     */
    boolean compareAndSwap(long credentialId, String expectedSealed, String newSealed);

    /** A credential's sealed secret and whether the row is enabled. */
    record StoredSecret(long credentialId, String sealedSecret, boolean enabled) {}
}
