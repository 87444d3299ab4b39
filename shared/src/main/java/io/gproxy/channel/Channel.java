package io.gproxy.channel;

/**
 * A provider adapter (spec/core.md §3.1): stateless, registered by id ({@code provider.channel}). This first cut
 * covers what the request path needs; refresh, classification overrides and catalogues arrive with the channels
 * issue.
 */
public interface Channel {

    /** Stable registry key, e.g. {@code openai}. */
    String id();

    String displayName();

    /** Default base URL, or null when the provider must configure {@code settings_json.base_url}. */
    String defaultBaseUrl();

    /** Routing-table defaults seeded for providers that have no routing rules. */
    RoutingTable routingDefaults();

    /** Builds the upstream request. Pure: no I/O, no clock, no randomness. */
    UpstreamRequest prepare(PrepareContext ctx) throws ChannelException;
}
