package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.http.HttpRequest;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.protocol.Json;

import java.util.Map;
import java.util.Optional;

/** One dispatched admin request: the request, its path parameters, the caller (null on public endpoints). */
record AdminCall(HttpRequest request, Map<String, String> params, Caller caller, ConfigSnapshot snapshot,
                 String clientIp) {

    /** A numeric path parameter; 404 when it is not a number (no such row can exist). */
    long id(String name) throws GatewayError {
        try {
            return Long.parseLong(params.get(name));
        } catch (NumberFormatException e) {
            throw new GatewayError(404, "not found");
        }
    }

    /** The body as a JSON object; 400 otherwise. */
    ObjectNode body() throws GatewayError {
        if (request.body().length == 0) {
            return Replies.object();
        }
        // JSON only: a form or text body is not what any admin client sends, and refusing it also keeps cross-site
        // "simple" requests (which cannot set application/json without a preflight) away from every write
        String type = request.headers().firstOrNull("content-type");
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).split(";", 2)[0].trim().equals("application/json")) {
            throw new GatewayError(415, "content-type must be application/json");
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(request.body());
        } catch (Exception e) {
            throw GatewayError.badRequest("request body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw GatewayError.badRequest("request body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    Optional<String> query(String name) {
        return request.query().first(name).filter(s -> !s.isBlank());
    }
}
