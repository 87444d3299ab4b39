package io.gproxy.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * (operation, kind): what routing rules, transforms and channel route tables key on. Only consistent pairs exist
 * (spec/surface.md §1.4): content operations carry content kinds, all others a family kind.
 */
public record OperationKey(Operation operation, OperationKind kind) {

    public OperationKey {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(kind, "kind");
        if (operation.isContentGeneration() != kind.isContentGeneration()) {
            throw new IllegalArgumentException("inconsistent operation key: " + operation.id() + "/" + kind.id());
        }
    }

    public static Optional<OperationKey> tryOf(Operation operation, OperationKind kind) {
        if (operation == null || kind == null || operation.isContentGeneration() != kind.isContentGeneration()) {
            return Optional.empty();
        }
        return Optional.of(new OperationKey(operation, kind));
    }

    public static Optional<OperationKey> parse(String operation, String kind) {
        Optional<Operation> op = Operation.parse(operation);
        Optional<OperationKind> k = OperationKind.parse(kind);
        if (op.isEmpty() || k.isEmpty()) {
            return Optional.empty();
        }
        return tryOf(op.get(), k.get());
    }

    public ProtocolFamily family() {
        return kind.family();
    }

    @Override
    public String toString() {
        return operation.id() + "/" + kind.id();
    }
}
