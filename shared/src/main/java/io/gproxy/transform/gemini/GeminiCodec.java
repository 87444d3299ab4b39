package io.gproxy.transform.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.ProtocolCodec;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;

/**
 * Google Gemini {@code generateContent} / {@code streamGenerateContent?alt=sse}. The model and the stream choice
 * live in the URL, never in the body. Stateless: request decoding and encoding keep their per-request state
 * (call ids, id → function name) in helpers created per call.
 */
public final class GeminiCodec implements ProtocolCodec {

    @Override
    public OperationKind kind() {
        return OperationKind.GEMINI_GENERATE_CONTENT;
    }

    @Override
    public IrRequest decodeRequest(JsonNode body, TransformContext ctx) throws TransformException {
        return new GeminiRequestDecoder(ctx).decode(body);
    }

    @Override
    public ObjectNode encodeRequest(IrRequest request, TransformContext ctx) {
        return new GeminiRequestEncoder(ctx).encode(request);
    }

    @Override
    public IrResponse decodeResponse(JsonNode body, TransformContext ctx) throws TransformException {
        return GeminiResponseCodec.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeResponse(IrResponse response, TransformContext ctx) {
        return GeminiResponseCodec.encode(response, ctx);
    }

    @Override
    public StreamDecoder newStreamDecoder(TransformContext ctx) {
        return new GeminiStreamDecoder(ctx);
    }

    @Override
    public StreamEncoder newStreamEncoder(TransformContext ctx) {
        return new GeminiStreamEncoder(ctx);
    }
}
