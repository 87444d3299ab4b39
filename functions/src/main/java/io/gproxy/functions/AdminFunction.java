package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Admin function: serves the ADMIN group only (DESIGN §3). */
public final class AdminFunction extends GroupFunction {
    public AdminFunction() {
        super(FunctionGroup.ADMIN);
    }
}
