package io.gproxy.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.RoutingTable;

/** A configured upstream provider with its compiled routing table. */
public record Provider(long id, String name, String channel, ObjectNode settings, String credentialStrategy,
                       boolean enabled, RoutingTable routing) {
}
