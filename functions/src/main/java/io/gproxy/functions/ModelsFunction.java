package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Models function: serves the MODELS group only (DESIGN §3). */
public final class ModelsFunction extends GroupFunction {
    public ModelsFunction() {
        super(FunctionGroup.MODELS);
    }
}
