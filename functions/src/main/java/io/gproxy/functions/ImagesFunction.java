package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Images function: serves the IMAGES group only (DESIGN §3). */
public final class ImagesFunction extends GroupFunction {
    public ImagesFunction() {
        super(FunctionGroup.IMAGES);
    }
}
