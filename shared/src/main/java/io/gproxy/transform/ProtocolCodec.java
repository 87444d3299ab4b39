package io.gproxy.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.OperationKind;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;

/**
 * Everything the gateway knows about one content protocol's wire format (DESIGN §4): any pair converts as
 * {@code decode(source)} then {@code encode(target)}. Implementations are stateless and thread-safe; stream
 * decoders and encoders are created per stream.
 */
public interface ProtocolCodec {

    /** The content kind this codec speaks. */
    OperationKind kind();

    /** Client or upstream request body to IR. The model is taken from the body where the protocol has one. */
    IrRequest decodeRequest(JsonNode body, TransformContext ctx) throws TransformException;

    /**
     * IR to a request body for this protocol. Gemini bodies carry no model (it lives in the URL); all others carry
     * {@code request.model()}. {@code stream} is written where the protocol has the flag.
     */
    ObjectNode encodeRequest(IrRequest request, TransformContext ctx) throws TransformException;

    /** Upstream non-stream response body to IR. */
    IrResponse decodeResponse(JsonNode body, TransformContext ctx) throws TransformException;

    /** IR to this protocol's non-stream response body. */
    ObjectNode encodeResponse(IrResponse response, TransformContext ctx);

    StreamDecoder newStreamDecoder(TransformContext ctx);

    StreamEncoder newStreamEncoder(TransformContext ctx);
}
