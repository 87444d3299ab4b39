package io.gproxy.config;

/** A gateway API key, known only by its digest. */
public record UserKey(long id, long userId, String digest, String label, boolean enabled) {
}
