package io.gproxy.billing;

import java.util.Map;

/** A quota row: limits in micro-dollars per configured window (spec/core.md §10.3). */
public record Quota(long id, Scope.Ref scope, Map<Window, Long> limitsMicros) {
    public Quota {
        limitsMicros = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(limitsMicros)); // window order
    }
}
