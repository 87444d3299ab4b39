package io.gproxy.store;

/**
 * A conditional config write found the version moved since the caller read it: another writer got in between.
 * The caller re-reads and tries again (the admin API does so a few times before answering 409).
 */
public final class ConfigConflictException extends RuntimeException {
    public ConfigConflictException(String message) {
        super(message, null, false, false);
    }
}
