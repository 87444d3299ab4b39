package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The CountTokens function: serves the COUNT_TOKENS group only (DESIGN §3). */
public final class CountTokensFunction extends GroupFunction {
    public CountTokensFunction() {
        super(FunctionGroup.COUNT_TOKENS);
    }
}
