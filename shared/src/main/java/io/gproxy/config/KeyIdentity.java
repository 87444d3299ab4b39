package io.gproxy.config;

/** Who a presented API key belongs to. */
public record KeyIdentity(UserKey key, User user) {
}
