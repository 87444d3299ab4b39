package io.gproxy.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;

import java.util.List;

/**
 * What admission needs to know about a resolved request.
 *
 * @param body       the parsed JSON body (null for body-less operations)
 * @param bodyBytes  the request body's size: the input-token estimate
 * @param routeName  the route called, or null for a direct or scoped provider call
 * @param candidates the resolution's targets in order (provider and upstream model)
 */
public record AdmissionRequest(String requestId, KeyIdentity identity, ConfigSnapshot snapshot, Operation operation,
                               OperationKind kind, ObjectNode body, long bodyBytes, String routeName,
                               List<Candidate> candidates) {

    public AdmissionRequest {
        candidates = List.copyOf(candidates);
    }

    /** One place the request may go. */
    public record Candidate(long providerId, String providerName, String model) {}
}
