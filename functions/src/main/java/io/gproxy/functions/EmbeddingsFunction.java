package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Embeddings function: serves the EMBEDDINGS group only (DESIGN §3). */
public final class EmbeddingsFunction extends GroupFunction {
    public EmbeddingsFunction() {
        super(FunctionGroup.EMBEDDINGS);
    }
}
