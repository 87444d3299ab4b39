package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The GenerateContent function: serves the GENERATE_CONTENT group only (DESIGN §3). */
public final class GenerateContentFunction extends GroupFunction {
    public GenerateContentFunction() {
        super(FunctionGroup.GENERATE_CONTENT);
    }
}
