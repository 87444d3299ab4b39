package io.gproxy.pipeline;

import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ops.ResponseConverter;

/**
 * How a converted non-content answer (count, model, embeddings, images) goes back into the client's shape; the
 * context carries the losses the request conversion noted.
 */
record OpsAnswer(ResponseConverter converter, TransformContext ctx) {
}
