package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;
import io.gproxy.protocol.OperationKey;

/**
 * Everything a channel needs to build the upstream request; no I/O happens in {@link Channel#prepare}.
 *
 * @param key           the operation key sent upstream (after any transform)
 * @param providerPath  provider-relative path of the request as the target dialect spells it ({@code /v1/...})
 * @param inboundHeaders the client's headers, for the channel's forward allow-list; auth headers are never forwarded
 * @param body          the provider-native body (model already rewritten); empty for GETs
 * @param secret        the opened credential secret
 * @param settings      the provider's {@code settings_json}
 */
public record PrepareContext(OperationKey key, boolean stream, String upstreamModel, String providerPath,
                             QueryString query, Headers inboundHeaders, byte[] body, JsonNode secret,
                             ObjectNode settings) {
}
