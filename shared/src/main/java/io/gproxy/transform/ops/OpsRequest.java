package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKey;

/**
 * A non-content request converted for another protocol: the operation key sent upstream, its provider-relative path
 * (decoded, {@code /v1/...} or {@code /v1beta/...}, spec/surface.md §3.8), the body (null for GETs) and how the
 * answer is converted back.
 */
public record OpsRequest(OperationKey key, String providerPath, ObjectNode body, ResponseConverter response) {
}
