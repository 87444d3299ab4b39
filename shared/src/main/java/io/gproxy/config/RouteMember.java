package io.gproxy.config;

public record RouteMember(long id, long routeId, long providerId, String upstreamModelId, int weight, int tier) {
}
