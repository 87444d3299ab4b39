package io.gproxy.config;

public record Org(long id, String name, boolean enabled) {
}
