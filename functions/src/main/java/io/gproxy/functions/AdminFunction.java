package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/**
 * The admin function: serves the ADMIN group (admin API, portal, console, ops endpoints) and, on a direct Lambda
 * invoke, the operator commands of {@link AdminCommands} (first-admin bootstrap, bundle import).
 */
public final class AdminFunction extends GroupFunction {
    public AdminFunction() {
        super(FunctionGroup.ADMIN);
    }

    @Override
    protected boolean acceptsCommands() {
        return true;
    }
}
