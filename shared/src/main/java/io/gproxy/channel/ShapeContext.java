package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.protocol.OperationKey;

/**
 * Input of {@link Channel#shapeRequest} and {@link Channel#shapeResponse}.
 *
 * @param key            the operation key sent upstream
 * @param status         the upstream status (responses only; 0 for requests)
 * @param inboundHeaders the client's headers (requests; empty for responses)
 * @param secret         the opened secret (requests; null for responses)
 */
public record ShapeContext(OperationKey key, boolean stream, String upstreamModel, int status, Headers inboundHeaders,
                           ObjectNode settings, JsonNode secret) {

    public static ShapeContext request(OperationKey key, boolean stream, String upstreamModel, Headers inboundHeaders,
                                       ObjectNode settings, JsonNode secret) {
        return new ShapeContext(key, stream, upstreamModel, 0, inboundHeaders, settings, secret);
    }

    public static ShapeContext response(OperationKey key, boolean stream, String upstreamModel, int status,
                                        ObjectNode settings) {
        return new ShapeContext(key, stream, upstreamModel, status, new Headers(), settings, null);
    }
}
