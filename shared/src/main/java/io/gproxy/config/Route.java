package io.gproxy.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An enabled route (the public model name) with its enabled members, sorted by tier ascending then weight descending.
 * {@code strategy} is {@code round_robin}, {@code weighted} or {@code failover} (spec/core.md §8.1); {@code settings}
 * is the route's {@code settings_json} (e.g. {@code affinity.enabled}), never null.
 */
public record Route(long id, String name, String strategy, List<RouteMember> members, ObjectNode settings) {

    public Route(long id, String name, String strategy, List<RouteMember> members) {
        this(id, name, strategy, members, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    /** Route affinity by {@code x-gproxy-session-id} (opt-in, {@code settings_json.affinity.enabled}). */
    public boolean affinityEnabled() {
        return settings.path("affinity").path("enabled").asBoolean(false);
    }
}
