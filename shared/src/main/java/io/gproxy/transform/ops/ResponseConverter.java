package io.gproxy.transform.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformException;

/** Turns an upstream's successful non-content answer into the client's shape. */
@FunctionalInterface
public interface ResponseConverter {
    /** @throws TransformException when the upstream body is not what its protocol promises (a 502 for the client) */
    ObjectNode convert(JsonNode upstreamBody) throws TransformException;
}
