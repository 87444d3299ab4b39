package io.gproxy.store.memory;

import io.gproxy.store.CredentialSecretStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** In-memory credential secrets for unit tests only. */
public final class MemoryCredentialSecretStore implements CredentialSecretStore {
    private final Map<Long, StoredSecret> rows = new HashMap<>();

    public synchronized void put(long credentialId, String sealed, boolean enabled) {
        rows.put(credentialId, new StoredSecret(credentialId, sealed, enabled));
    }

    public synchronized void delete(long credentialId) {
        rows.remove(credentialId);
    }

    @Override
    public synchronized Optional<StoredSecret> read(long credentialId) {
        return Optional.ofNullable(rows.get(credentialId));
    }

    @Override
    public synchronized boolean compareAndSwap(long credentialId, String expectedSealed, String newSealed) {
        StoredSecret s = rows.get(credentialId);
        if (s == null || !s.enabled() || !s.sealedSecret().equals(expectedSealed)) {
            return false;
        }
        rows.put(credentialId, new StoredSecret(credentialId, newSealed, true));
        return true;
    }
}
