package io.gproxy.transform.responses;

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
 * The OpenAI Responses API ({@code POST /v1/responses}): requests, response objects and event streams.
 *
 * <p>What the IR cannot carry is dropped with a loss note: server-side state ({@code store},
 * {@code previous_response_id}, {@code include}, {@code prompt_cache_key}, {@code item_reference} items), hosted
 * tools other than web search, custom tool grammars, annotations. Requests built for an upstream are stateless
 * ({@code store:false}, no item ids) and ask for encrypted reasoning when reasoning is in play.
 */
public final class ResponsesCodec implements ProtocolCodec {

    @Override
    public OperationKind kind() {
        return OperationKind.OPEN_AI_RESPONSES;
    }

    @Override
    public IrRequest decodeRequest(JsonNode body, TransformContext ctx) throws TransformException {
        return ResponsesRequestDecoder.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeRequest(IrRequest request, TransformContext ctx) {
        return ResponsesRequestEncoder.encode(request, ctx);
    }

    @Override
    public IrResponse decodeResponse(JsonNode body, TransformContext ctx) throws TransformException {
        return ResponsesResponseCodec.decode(body, ctx);
    }

    @Override
    public ObjectNode encodeResponse(IrResponse response, TransformContext ctx) {
        return ResponsesResponseCodec.encode(response, ctx);
    }

    @Override
    public StreamDecoder newStreamDecoder(TransformContext ctx) {
        return new ResponsesStreamDecoder(ctx.loss());
    }

    @Override
    public StreamEncoder newStreamEncoder(TransformContext ctx) {
        return new ResponsesStreamEncoder(ctx);
    }
}
