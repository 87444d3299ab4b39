package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Compact function: serves the COMPACT group only (DESIGN §3). */
public final class CompactFunction extends GroupFunction {
    public CompactFunction() {
        super(FunctionGroup.COMPACT);
    }
}
