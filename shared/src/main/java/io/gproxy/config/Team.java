package io.gproxy.config;

public record Team(long id, long orgId, String name, boolean enabled) {
}
