package io.gproxy.config;

import java.util.List;

/** An enabled route (the public model name) with its enabled members, sorted by tier ascending then weight descending. */
public record Route(long id, String name, String strategy, List<RouteMember> members) {
}
