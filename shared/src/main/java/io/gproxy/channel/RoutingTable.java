package io.gproxy.channel;

import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A provider's routing table: inbound operation key to decision. A missing cell means unsupported. */
public final class RoutingTable {
    private final Map<OperationKey, RoutingDecision> cells;

    private RoutingTable(Map<OperationKey, RoutingDecision> cells) {
        this.cells = Collections.unmodifiableMap(cells);
    }

    public static Builder builder() {
        return new Builder();
    }

    public RoutingDecision decide(OperationKey key) {
        return cells.getOrDefault(key, RoutingDecision.UNSUPPORTED);
    }

    public Map<OperationKey, RoutingDecision> cells() {
        return cells;
    }

    /** Fluent construction of channel defaults. Later entries for the same cell replace earlier ones. */
    public static final class Builder {
        private final Map<OperationKey, RoutingDecision> cells = new LinkedHashMap<>();

        public Builder put(OperationKey key, RoutingDecision decision) {
            cells.put(key, decision.normalisedFor(key));
            return this;
        }

        public Builder pass(Operation op, OperationKind kind) {
            return put(new OperationKey(op, kind), RoutingDecision.PASSTHROUGH);
        }

        public Builder local(Operation op, OperationKind kind) {
            return put(new OperationKey(op, kind), RoutingDecision.LOCAL);
        }

        /** Transform to another kind keeping the operation. */
        public Builder to(Operation op, OperationKind from, OperationKind to) {
            return put(new OperationKey(op, from), RoutingDecision.transformTo(new OperationKey(op, to)));
        }

        public Builder to(Operation op, OperationKind from, Operation destOp, OperationKind to) {
            return put(new OperationKey(op, from), RoutingDecision.transformTo(new OperationKey(destOp, to)));
        }

        /** Both content operations (generate and stream) of a content kind, passed through. */
        public Builder passContent(OperationKind kind) {
            return pass(Operation.GENERATE_CONTENT, kind).pass(Operation.STREAM_GENERATE_CONTENT, kind);
        }

        /** Both content operations of a content kind, transformed to another content kind. */
        public Builder contentTo(OperationKind from, OperationKind to) {
            return to(Operation.GENERATE_CONTENT, from, to).to(Operation.STREAM_GENERATE_CONTENT, from, to);
        }

        public RoutingTable build() {
            return new RoutingTable(new LinkedHashMap<>(cells));
        }
    }
}
