package io.gproxy.pipeline;

import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.TransformContext;

/**
 * How to turn the upstream's answer back into the client's protocol.
 *
 * @param client     the codec of the client's protocol
 * @param upstream   the codec of the upstream's protocol
 * @param clientKind the client's kind (for error frames and framing)
 * @param geminiSse  a Gemini client asked for SSE ({@code alt=sse}); without it Gemini streams a JSON array
 */
record Transcoding(ProtocolCodec client, ProtocolCodec upstream, TransformContext ctx, OperationKind clientKind,
                   boolean geminiSse) {
}
