package io.gproxy.channel;

import io.gproxy.protocol.OperationKey;

/**
 * One cell of a provider's routing table. {@code destination} is set only for {@link Implementation#TRANSFORM_TO}.
 */
public record RoutingDecision(Implementation implementation, OperationKey destination) {
    public static final RoutingDecision PASSTHROUGH = new RoutingDecision(Implementation.PASSTHROUGH, null);
    public static final RoutingDecision LOCAL = new RoutingDecision(Implementation.LOCAL, null);
    public static final RoutingDecision UNSUPPORTED = new RoutingDecision(Implementation.UNSUPPORTED, null);

    public static RoutingDecision transformTo(OperationKey destination) {
        return new RoutingDecision(Implementation.TRANSFORM_TO, destination);
    }

    /**
     * Normalises a stored rule against its source cell: a transform to the source itself is a passthrough, a
     * transform without a destination is unsupported (spec/surface.md §3.5).
     */
    public RoutingDecision normalisedFor(OperationKey source) {
        if (implementation != Implementation.TRANSFORM_TO) {
            return this;
        }
        if (destination == null) {
            return UNSUPPORTED;
        }
        return destination.equals(source) ? PASSTHROUGH : this;
    }
}
