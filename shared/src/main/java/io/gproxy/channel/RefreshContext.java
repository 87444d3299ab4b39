package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;

/**
 * Input of {@link Channel#refresh}: the opened secret, the provider settings, the clock and the HTTP client to
 * reach the token endpoint with.
 */
public record RefreshContext(JsonNode secret, ObjectNode settings, Instant now, ChannelHttp http, Duration timeout) {

    public RefreshContext(JsonNode secret, ObjectNode settings, Instant now, ChannelHttp http) {
        this(secret, settings, now, http, Duration.ofSeconds(30));
    }
}
